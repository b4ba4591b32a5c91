// allow / ask / deny, rate limits and the audit trail, through real SDK clients of both eras over real HTTP: a
// destructive tool waits for a person (approved, denied, or refused when nobody answers), is asked through the
// client's own elicitation where its profile says so, a burst past a limit is told when to retry while other clients
// go on, and every call and decision lands in the audit trail.
import type { CallToolResult } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalAnswer } from '../../../../shared/access.ts';
import { RETRY_AFTER_META_KEY } from '../../../../electron/core/policy/limits.ts';
import { fixture, removeTempDirs } from '../../../helpers/fs.ts';
import { stopCores, waitForState } from '../../../helpers/core.ts';
import { connectClient, startGateway, stopGateways, type Era } from '../../../helpers/gateway.ts';
import { waitFor } from '../../../helpers/wait.ts';

let gateway: Awaited<ReturnType<typeof startGateway>>;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  gateway = await startGateway({ notes: { command: process.execPath, args: [fixture('annotated.mjs'), 'notes'] } });
  await waitForState(gateway.app, 'notes', 'ready');
  const clients = gateway.app.store.clients;
  tokens.agent = clients.add('agent', { askTimeoutSeconds: 2, rules: [{ tool: 'notes__plain', decision: 'deny' }, { tool: 'notes/ping_*', decision: 'ask' }] }).token;
  tokens.asker = clients.add('asker', { askVia: 'client', askTimeoutSeconds: 5 }).token;
  tokens.limited = clients.add('limited', { limits: { perMinute: 3 }, toolLimits: [{ tool: 'notes__slow', inFlight: 1 }] }).token;
  tokens.other = clients.add('other', {}).token;
});

afterAll(async () => {
  await stopGateways();
  await stopCores();
  removeTempDirs();
});

const as = (client: string, era: Era, options: Parameters<typeof connectClient>[2] = {}) => connectClient(gateway.mcpUrl, era, { token: tokens[client], ...options });
const text = (result: unknown) => ((result as CallToolResult).content[0] as { text: string }).text;

/** Answers the next call that waits for a person, as the window would. */
async function answerNext(answer: ApprovalAnswer): Promise<{ client: string; tool: string; arguments: Record<string, unknown> }> {
  const approvals = gateway.app.access.approvals;
  const waiting = await waitFor(() => approvals.list()[0], 'a call to wait for approval');
  expect(approvals.answer(waiting.id, answer)).toBe(true);
  return waiting;
}

describe.each(['legacy', 'modern'] as const)('policy, %s client', (era) => {
  it('runs a read-only or unannotated tool at once, and refuses a denied one with a sentence', async () => {
    const agent = await as('agent', era);
    expect(text(await agent.callTool({ name: 'notes__read_notes', arguments: {} }))).toBe('read_notes ran');
    const denied = await agent.callTool({ name: 'notes__plain', arguments: {} });
    expect(denied.isError).toBe(true);
    expect(text(denied)).toMatch(/may not call notes__plain: its policy denies it/);
    expect(gateway.app.access.approvals.list()).toEqual([]);
  });

  it('a destructive tool waits for the person: approved once, it runs; denied, it does not', async () => {
    const agent = await as('agent', era);
    const approved = agent.callTool({ name: 'notes__delete_notes', arguments: { note: 'all of them' } });
    const asked = await answerNext('once');
    expect(asked).toMatchObject({ client: 'agent', tool: 'notes__delete_notes', arguments: { note: 'all of them' } });
    expect(text(await approved)).toBe('delete_notes ran with all of them');

    const refused = agent.callTool({ name: 'notes__send_mail', arguments: {} });
    await answerNext('deny');
    const result = await refused;
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/denied the call of notes__send_mail/);
  });

  it('nobody answering within the bound is a deny the model can act on', async () => {
    const agent = await as('agent', era);
    const started = Date.now();
    const result = await agent.callTool({ name: 'notes__ping_fixture', arguments: {} });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/nobody answered within 2 s/);
    expect(gateway.app.access.approvals.list()).toEqual([]);
  });

  it('where the profile says so, the client itself is asked (elicitation), and its answer holds', async () => {
    let answer: 'accept' | 'decline' = 'accept';
    const questions: string[] = [];
    const asker = await as('asker', era, {
      capabilities: { elicitation: { form: {} } },
      setup: (client) =>
        client.setRequestHandler('elicitation/create', async (request) => {
          questions.push(String(request.params.message));
          return { action: answer, content: {} };
        }),
    });
    expect(text(await asker.callTool({ name: 'notes__delete_notes', arguments: { note: 'old' } }))).toBe('delete_notes ran with old');
    expect(questions.at(-1)).toMatch(/Allow the call of notes__delete_notes/);
    answer = 'decline';
    const declined = await asker.callTool({ name: 'notes__delete_notes', arguments: {} });
    expect(declined.isError).toBe(true);
    expect(text(declined)).toMatch(/declined when the user was asked/);
    expect(gateway.app.access.approvals.list()).toEqual([]);
  });
});

describe('always for this client', () => {
  it('adds a rule to the client\'s profile: its next call runs without asking', async () => {
    const agent = await as('agent', 'legacy');
    const first = agent.callTool({ name: 'notes__send_mail', arguments: {} });
    await answerNext('always');
    expect(text(await first)).toBe('send_mail ran');
    expect(gateway.app.store.clients.get('agent')!.profile.rules?.[0]).toEqual({ tool: 'notes/send_mail', decision: 'allow' });
    expect(text(await agent.callTool({ name: 'notes__send_mail', arguments: {} }))).toBe('send_mail ran');
  });
});

describe('rate limits', () => {
  it('past its limit a client is told when to retry; another client is not touched', async () => {
    const limited = await as('limited', 'legacy');
    const other = await as('other', 'modern');
    for (let call = 0; call < 3; call++) expect(text(await limited.callTool({ name: 'notes__read_notes', arguments: {} }))).toBe('read_notes ran');
    const refused = await limited.callTool({ name: 'notes__read_notes', arguments: {} });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/may make 3 calls a minute, and made them all\. Retry in \d+ s/);
    expect(refused._meta?.[RETRY_AFTER_META_KEY]).toBeGreaterThan(50_000);
    for (let call = 0; call < 5; call++) expect(text(await other.callTool({ name: 'notes__read_notes', arguments: {} }))).toBe('read_notes ran');
    const usage = await gateway.app.access.limits.usage('limited', gateway.app.store.clients.get('limited')!.profile);
    expect(usage.perMinute).toEqual({ used: 4, limit: 3 });
  });

  it('a tool limited to one call at a time refuses the second while the first runs', async () => {
    gateway.app.store.clients.setProfile('limited', { toolLimits: [{ tool: 'notes__slow', inFlight: 1 }] });
    const limited = await as('limited', 'legacy');
    const first = limited.callTool({ name: 'notes__slow', arguments: {} });
    await waitFor(async () => (await gateway.app.access.limits.usage('limited', { limits: {} })) && true, 'the first call');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = await limited.callTool({ name: 'notes__slow', arguments: {} });
    expect(text(second)).toMatch(/may run 1 call at once/);
    expect(text(await first)).toBe('slow ran');
    expect(text(await limited.callTool({ name: 'notes__slow', arguments: {} }))).toBe('slow ran');
  });
});

describe('the audit trail', () => {
  it('holds every call with its client, decision, who decided, and outcome; arguments hashed', async () => {
    const entries = await waitFor(() => {
      const all = gateway.app.store.audit.query({ limit: 1000 });
      return all.some((entry) => entry.decidedBy === 'timeout') && all.some((entry) => entry.decision === 'limited') ? all : undefined;
    }, 'the audit rows');
    const find = (predicate: (entry: (typeof entries)[number]) => boolean) => entries.find(predicate);
    expect(find((e) => e.client === 'agent' && e.target === 'notes__delete_notes' && e.decision === 'approved')).toMatchObject({ decidedBy: 'person', outcome: 'ok', server: 'notes', arguments: '{"note":"all of them"}' });
    expect(find((e) => e.client === 'agent' && e.target === 'notes__send_mail' && e.decision === 'denied')).toMatchObject({ decidedBy: 'person', outcome: null });
    expect(find((e) => e.client === 'agent' && e.target === 'notes__plain')).toMatchObject({ decision: 'denied', decidedBy: 'rule' });
    expect(find((e) => e.client === 'agent' && e.target === 'notes__ping_fixture')).toMatchObject({ decision: 'denied', decidedBy: 'timeout' });
    expect(find((e) => e.client === 'asker' && e.decision === 'approved')).toMatchObject({ decidedBy: 'client' });
    expect(find((e) => e.client === 'limited' && e.decision === 'limited')).toMatchObject({ decidedBy: 'limit', outcome: null });
    expect(find((e) => e.client === 'other')).toMatchObject({ decision: 'allowed', decidedBy: 'policy', outcome: 'ok' });
    const withArgs = find((e) => e.arguments === '{"note":"all of them"}')!;
    expect(withArgs.argumentsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(withArgs.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('is append-only', () => {
    expect(() => gateway.app.store.db.prepare("UPDATE audit SET decision = 'allowed'").run()).toThrow(/append-only/);
  });
});
