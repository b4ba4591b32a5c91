import type { Tool } from '@modelcontextprotocol/server';
import type { Decision, Profile } from '../../../shared/access.ts';
import { firstMatch } from '../auth/scopes.ts';
import type { CatalogSnapshot } from '../gateway/catalog.ts';
import type { CallContext, CallResult } from '../gateway/pipeline/context.ts';
import type { Interceptor } from '../gateway/pipeline/pipeline.ts';
import { viewOf } from '../gateway/scope.ts';
import type { Approvals } from './approvals.ts';

/** How long an "ask" waits for its answer by default. */
export const DEFAULT_ASK_TIMEOUT_S = 120;

/** A tool as the policy sees it: where it lives, its own name, and its annotations. */
export interface PolicyTool {
  readonly server: string;
  /** The name the client sees. */
  readonly exposed: string;
  /** Its own name on its server. */
  readonly name: string;
  readonly annotations?: Tool['annotations'];
}

/**
 * allow / ask / deny for one tool of one client: the profile's rules first (first match wins), else the tool's
 * annotations: `readOnlyHint` → allow; `destructiveHint` or `openWorldHint` set → ask; anything else → allow.
 */
export function decide(profile: Profile, tool: PolicyTool): { decision: Decision; by: 'rule' | 'policy'; rule?: string } {
  const rule = firstMatch(profile.rules, tool.server, tool.exposed, tool.name);
  if (rule) return { decision: rule.decision, by: 'rule', rule: rule.tool };
  const hints = tool.annotations;
  if (hints?.readOnlyHint === true) return { decision: 'allow', by: 'policy' };
  if (hints?.destructiveHint === true || hints?.openWorldHint === true) return { decision: 'ask', by: 'policy' };
  return { decision: 'allow', by: 'policy' };
}

export interface PolicyDeps {
  readonly approvals: Approvals;
  /** The catalog now (the caller's view of it is taken from its scope). */
  snapshot(): CatalogSnapshot;
  /** "Always for this client": a rule that allows this tool is added to the client's profile. */
  allowAlways(client: string, rule: string): void;
  /** Hides secret values in what the window is shown. */
  redact(value: unknown): unknown;
}

/**
 * The policy step (tools/call of clients, never of the admin): a call its profile denies is refused with a
 * sentence the model can act on; a call it asks about waits for a person in the window, or, where the profile says
 * so and the client can, for the client's own elicitation. No answer within the bound is a deny.
 */
export function policy(deps: PolicyDeps): Interceptor {
  return {
    name: 'policy',
    async intercept(ctx, next) {
      const identity = ctx.caller.identity;
      if (ctx.method !== 'tools/call' || identity.admin || !identity.profile || ctx.roundState) return next(ctx);
      const name = ctx.params.name;
      const origin = typeof name === 'string' ? viewOf(deps.snapshot(), ctx.scope).toolOrigins.get(name) : undefined;
      // A tool the client does not see is the router's to answer (as unknown).
      if (!origin || typeof name !== 'string') return next(ctx);
      const tool: PolicyTool = { server: origin.server, exposed: name, name: origin.name, annotations: origin.tool.annotations };
      ctx.span.attributes.server = origin.server;
      ctx.span.attributes.tool = origin.name;
      const verdict = decide(identity.profile, tool);
      const note = (decision: 'allowed' | 'approved' | 'denied', by: string, detail: string | null = null) => {
        if (ctx.decision) Object.assign(ctx.decision, { decision, decidedBy: by, detail });
      };
      if (verdict.decision === 'allow') {
        note('allowed', verdict.by);
        return next(ctx);
      }
      if (verdict.decision === 'deny') {
        const text = `MCP Switchboard: this client (${identity.client}) may not call ${name}: its policy denies it${verdict.rule ? ` (rule "${verdict.rule}")` : ''}. Do not retry; use another tool, or ask the person to change the client's policy in Switchboard.`;
        note('denied', verdict.by, text);
        return refusal(text);
      }
      const timeoutS = identity.profile.askTimeoutSeconds ?? DEFAULT_ASK_TIMEOUT_S;
      const step = ctx.span.child('ask');
      const answer = await ask(deps, ctx, tool, identity.profile, timeoutS);
      step.end(answer.approved ? 'ok' : 'error', answer.approved ? `approved by ${answer.by}` : answer.text);
      if (!answer.approved) {
        note('denied', answer.by, answer.text);
        return refusal(answer.text);
      }
      note('approved', answer.by);
      return next(ctx);
    },
  };
}

type Answer = { approved: true; by: string } | { approved: false; by: string; text: string };

async function ask(deps: PolicyDeps, ctx: CallContext, tool: PolicyTool, profile: Profile, timeoutS: number): Promise<Answer> {
  const client = ctx.caller.identity.client;
  const args = (ctx.params.arguments ?? {}) as Record<string, unknown>;
  if (profile.askVia === 'client' && ctx.caller.capabilities()?.elicitation) {
    const question = {
      method: 'elicitation/create',
      params: {
        message: `Allow the call of ${tool.exposed} (server ${tool.server}) with ${JSON.stringify(deps.redact(args))}?`,
        requestedSchema: { type: 'object', properties: {} },
      },
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutS * 1000)));
    try {
      const result = await Promise.race([ctx.caller.ask(question), timeout]);
      if (result === 'timeout') return { approved: false, by: 'timeout', text: notAnswered(tool, timeoutS) };
      const action = (result as { action?: unknown }).action;
      return action === 'accept' ? { approved: true, by: 'client' } : { approved: false, by: 'client', text: `MCP Switchboard: the call of ${tool.exposed} was declined when the user was asked. Do not retry it unless the user asks you to.` };
    } finally {
      clearTimeout(timer);
    }
  }
  const outcome = await deps.approvals.ask({ client, server: tool.server, tool: tool.exposed, arguments: deps.redact(args) as Record<string, unknown> }, timeoutS * 1000, ctx.signal);
  if (outcome === 'once') return { approved: true, by: 'person' };
  if (outcome === 'always') {
    deps.allowAlways(client, `${escapeGlob(tool.server)}/${escapeGlob(tool.name)}`);
    return { approved: true, by: 'person' };
  }
  if (outcome === 'cancelled') throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error('the call was cancelled while it waited for approval');
  if (outcome === 'timeout') return { approved: false, by: 'timeout', text: notAnswered(tool, timeoutS) };
  return { approved: false, by: 'person', text: `MCP Switchboard: the person using Switchboard denied the call of ${tool.exposed}. Do not retry it; ask them, or go another way.` };
}

function notAnswered(tool: PolicyTool, timeoutS: number): string {
  return `MCP Switchboard: the call of ${tool.exposed} needs the approval of the person using Switchboard, and nobody answered within ${timeoutS} s. Tell the user it waits for their approval in the Switchboard window, then try again.`;
}

function refusal(text: string): CallResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/** A name as a glob that matches only itself. */
function escapeGlob(value: string): string {
  return value.replace(/[*?[\]{}()!+@\\]/g, '\\$&');
}
