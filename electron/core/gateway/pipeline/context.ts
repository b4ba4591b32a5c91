import type { ClientCapabilities } from '@modelcontextprotocol/server';
import type { Profile } from '../../../../shared/access.ts';
import type { Scope } from '../scope.ts';
import type { ActiveSpan } from '../tracing.ts';

/** A client's protocol era: 2025 and earlier (initialize, sessions) or 2026-07-28 (stateless). */
export type Era = 'legacy' | 'modern';

/** A request a server sends its client (sampling, elicitation, roots), as the pipeline relays it. */
export interface ClientQuestion {
  readonly method: string;
  readonly params?: Record<string, unknown>;
}

/** Who a request is from, as the endpoint authenticated it. */
export interface Identity {
  /** The client's name; `admin` for the window, the CLI and the playground. */
  readonly client: string;
  /** The data dir's token, not acting as a client: sees everything, asked nothing. */
  readonly admin: boolean;
  /** What the client sees and may do (absent for the admin). */
  readonly profile?: Profile;
}

/** What the steps of access decided about one call: the audit trail's record of it. */
export interface CallDecision {
  decision: 'allowed' | 'approved' | 'denied' | 'limited';
  /** `policy` (annotations), `rule`, `person`, `client` (asked through elicitation), `timeout`, `limit`, `admin`. */
  decidedBy: string;
  detail: string | null;
}

/** The admin: the data dir's token, the window, the playground. */
export const ADMIN_IDENTITY: Identity = { client: 'admin', admin: true };

/** Who made a call: what it declared it can do, and how to ask it something while the call runs. */
export interface Caller {
  readonly era: Era;
  /** The authenticated client (its token, or the admin's acting as it). */
  readonly identity: Identity;
  /** The legacy session (or the playground's); undefined for a 2026-07-28 client, which has none. */
  readonly session: string | undefined;
  /** The client's own name (its clientInfo), for traces and logs. */
  readonly name: string | null;
  capabilities(): ClientCapabilities | undefined;
  /** Sends the client a request of its server's and resolves with its answer. */
  ask(question: ClientQuestion): Promise<unknown>;
}

/** A progress update of a call in flight, as the client will see it (its own progress token is added by the entry path). */
export interface ProgressUpdate {
  readonly progress: number;
  readonly total?: number;
  readonly message?: string;
}

/**
 * One request, whichever path it came in on (a legacy session, a 2026-07-28 request, the direct hot path, the
 * playground, the stdio bridge): what every interceptor and the router see. Entry paths build it and translate
 * the result back; nothing below them knows their wire form.
 */
export interface CallContext {
  readonly method: string;
  /** The request's params as the client sent them, minus what the entry path lifted out (progress token, envelope). */
  readonly params: Record<string, unknown>;
  readonly caller: Caller;
  /** The request's own span: interceptors and the router add attributes and steps. */
  readonly span: ActiveSpan;
  /** What the caller may see (its profile), set by the access step; absent: everything. */
  readonly scope?: Scope;
  /** How the call was decided (policy, limits), filled in as it passes those steps, for the audit trail. */
  readonly decision?: CallDecision;
  /** Aborted when the client cancels, hangs up, or the deadline passes. */
  readonly signal: AbortSignal;
  /** Progress of the upstream call, when the client asked for it (a progress token). */
  readonly onprogress?: (update: ProgressUpdate) => void;
  /** A 2026-07-28 retry: the answers to the questions of the previous round, keyed as they were asked. */
  readonly inputResponses?: Record<string, unknown>;
  /** A 2026-07-28 retry: the (verified) state of the previous round, as the gateway minted it. */
  readonly roundState?: RoundState;
}

/**
 * What a 2026-07-28 round carries from one round to the next, signed by the gateway (the client echoes it):
 * the server and replica that asked, and either the upstream's own `requestState` (a 2026-07-28 upstream, passed
 * through) or the id of a parked upstream call (a legacy upstream, whose questions are asked as rounds).
 */
export interface RoundState {
  readonly server?: string;
  readonly replica?: string;
  readonly upstreamState?: string;
  readonly park?: string;
}

/** The result of a request: what the upstream answered, possibly completed for the client's era by the router. */
export type CallResult = Record<string, unknown>;
