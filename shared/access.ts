/**
 * Who may call what: the clients of the endpoint (each with its own token), their profiles (what they see),
 * their policy (allow / ask / deny per tool) and their limits. Shared by the core, the CLI and the window.
 */
import { z } from 'zod';

/** A client's name: what the CLI, the window and the audit trail call it. */
export const CLIENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const ClientNameSchema = z.string().regex(CLIENT_NAME, 'a client name is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit');

export const DECISIONS = ['allow', 'ask', 'deny'] as const;
export const DecisionSchema = z.enum(DECISIONS);
/** What happens to a call: it runs, a person (or the client) is asked first, or it is refused. */
export type Decision = z.infer<typeof DecisionSchema>;

/** Globs (`*`, `?`, `{a,b}`): a tool pattern with a `/` names `server/tool`, without one the name the client sees. */
const Globs = z.array(z.string().min(1).max(200)).max(200);

export const PolicyRuleSchema = z.strictObject({ tool: z.string().min(1).max(200), decision: DecisionSchema });
export type PolicyRule = z.infer<typeof PolicyRuleSchema>;

export const LimitSchema = z.strictObject({
  /** Calls a minute (a rolling bucket of 60 s). */
  perMinute: z.number().int().positive().optional(),
  /** Calls a day (a bucket of 24 h). */
  perDay: z.number().int().positive().optional(),
  /** Calls running at once. */
  inFlight: z.number().int().positive().optional(),
});
export type Limit = z.infer<typeof LimitSchema>;

export const ProfileSchema = z.strictObject({
  /** Servers the client sees (globs); absent: every server. */
  servers: Globs.optional(),
  /** Tools it sees; absent: every tool of its servers. */
  tools: Globs.optional(),
  prompts: Globs.optional(),
  /** Resource URIs (and URI templates) it sees. */
  resources: Globs.optional(),
  /** allow / ask / deny per tool, first match wins; unmatched tools follow their annotations. */
  rules: z.array(PolicyRuleSchema).max(200).optional(),
  /** Where "ask" is asked: in the Switchboard window, or the calling client itself (elicitation) where it can. */
  askVia: z.enum(['window', 'client']).optional(),
  /** How long an "ask" waits for an answer before the call is refused (default 120 s). */
  askTimeoutSeconds: z.number().int().positive().max(3600).optional(),
  /** Limits for the whole client. */
  limits: LimitSchema.optional(),
  /** Limits per tool (globs, first match), on top of the client's. */
  toolLimits: z.array(LimitSchema.extend({ tool: z.string().min(1).max(200) })).max(100).optional(),
});
/** What a client sees and may do. An empty profile: everything, with the default policy. */
export type Profile = z.infer<typeof ProfileSchema>;

/** A client as the window and `switchboard clients list` show it (never its token). */
export interface ClientRecord {
  name: string;
  profile: Profile;
  /** The first characters of its token, to tell tokens apart (`sbc_AbC1…`). */
  tokenHint: string;
  createdAt: number;
  rotatedAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** A client just made or rotated: its token, shown this once. */
export interface ClientWithToken {
  client: ClientRecord;
  token: string;
}

/** The admin: the window, the CLI and the playground (the data dir's token). */
export const ADMIN_CLIENT = 'admin';

export const AUDIT_DECISIONS = ['allowed', 'approved', 'denied', 'limited'] as const;
/** How a call was decided: run by policy, approved by a person or the client, refused, or over a limit. */
export type AuditDecision = (typeof AUDIT_DECISIONS)[number];

/** One row of the audit trail. */
export interface AuditEntry {
  id: number;
  time: number;
  client: string;
  method: string;
  server: string | null;
  /** The tool, prompt or resource URI, as the client named it. */
  target: string | null;
  /** The arguments, secrets hidden. */
  arguments: string | null;
  /** sha256 of the arguments as sent, to match a call against another without keeping the values. */
  argumentsHash: string | null;
  decision: AuditDecision;
  /** Who decided: `policy`, `rule`, `person`, `client`, `timeout`, `limit`. */
  decidedBy: string;
  /** `ok`, `error` (the tool said so), `failed` (it could not run), or null when refused. */
  outcome: 'ok' | 'error' | 'failed' | null;
  durationMs: number;
  traceId: string | null;
  /** Why it was refused or failed, in one sentence. */
  detail: string | null;
}

export const AuditQuerySchema = z.strictObject({
  since: z.number().optional(),
  client: z.string().max(64).optional(),
  decision: z.enum(AUDIT_DECISIONS).optional(),
  beforeId: z.number().int().optional(),
  limit: z.number().int().positive().max(10_000).optional(),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

/** A call waiting for a person: what the window shows. */
export interface Approval {
  id: string;
  time: number;
  client: string;
  server: string;
  tool: string;
  /** The arguments, secrets hidden. */
  arguments: Record<string, unknown>;
  /** When it is refused if nobody answers. */
  deadline: number;
}

export const APPROVAL_ANSWERS = ['once', 'always', 'deny'] as const;
export type ApprovalAnswer = (typeof APPROVAL_ANSWERS)[number];
