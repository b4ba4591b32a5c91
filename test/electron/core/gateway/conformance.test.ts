// The official MCP conformance suite through Switchboard: whatever the suite's own fixture server passes when
// tested directly must pass through Switchboard, in both revisions, with the fixture as a stdio and as a remote server.
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureStdioCommand, regressions, runConformance, startAuthProxy, startFixtureHttp, stopConformance, type CheckOutcome, type Revision } from '../../../helpers/conformance.ts';
import { removeTempDirs, tempDir } from '../../../helpers/fs.ts';
import { cleanupServes, getHealth, startServe } from '../../../helpers/serve.ts';
import { waitFor } from '../../../helpers/wait.ts';

const TOKEN = 'conformance-token-0123456789abcdef';
const REVISIONS: Revision[] = ['2025-11-25', '2026-07-28'];

/**
 * What the fixture offers only in the 2026-07-28 handler it wrote by hand for HTTP, not in the server it runs over
 * stdio (checked below against the stdio fixture's own lists): through Switchboard a stdio fixture cannot have it.
 */
const HTTP_ONLY_TOOLS = [
  'test_missing_capability',
  'test_input_required_result_elicitation',
  'test_input_required_result_sampling',
  'test_input_required_result_list_roots',
  'test_input_required_result_request_state',
  'test_input_required_result_multiple_inputs',
  'test_input_required_result_multi_round',
  'test_input_required_result_tampered_state',
  'test_input_required_result_capabilities',
  'test_streaming_elicitation',
  'test_logging_tool',
  'test_trigger_tool_change',
  'test_trigger_prompt_change',
];
/** The checks that call them, by scenario (every check of a scenario: `*`). */
const NEEDS_HTTP_ONLY_TOOLS: Record<string, readonly string[]> = {
  'input-required-result-basic-elicitation': ['*'],
  'input-required-result-basic-sampling': ['*'],
  'input-required-result-basic-list-roots': ['*'],
  'input-required-result-request-state': ['*'],
  'input-required-result-multiple-input-requests': ['*'],
  'input-required-result-multi-round': ['*'],
  'input-required-result-missing-input-response': ['*'],
  'input-required-result-non-tool-request': ['*'],
  'input-required-result-result-type': ['*'],
  'input-required-result-unsupported-methods': ['*'],
  'input-required-result-tampered-state': ['*'],
  'input-required-result-capability-check': ['*'],
  'input-required-result-ignore-extra-params': ['*'],
  'input-required-result-validate-input': ['*'],
  'server-stateless': [
    'sep-2575-server-rejects-undeclared-capability',
    'sep-2575-missing-capability-http-400',
    'sep-2575-http-server-no-independent-requests-on-stream',
    'sep-2575-server-no-log-without-loglevel',
    'sep-2575-server-sends-tools-list-changed-on-subscription',
    'sep-2575-server-sends-prompts-list-changed-on-subscription',
  ],
};
/**
 * SEP-1699 polling (a pending scenario, not scored at 2025-11-25): the fixture closes its SSE stream mid-call to make
 * the client reconnect with Last-Event-ID. Switchboard answers plain calls with one JSON body, keeps streams open
 * and does not re-enact an upstream's disconnect towards its own clients.
 */
const NOT_RE_ENACTED = new Set(['server-sse-polling']);

let fixtureUrl: string;
const direct = new Map<Revision, CheckOutcome[]>();

beforeAll(async () => {
  fixtureUrl = await startFixtureHttp();
  for (const revision of REVISIONS) direct.set(revision, await runConformance(fixtureUrl, revision));
}, 120_000);

afterAll(async () => {
  await cleanupServes();
  await stopConformance();
  removeTempDirs();
});

/** Switchboard serving the fixture as its only server, `prefix: false`, behind the proxy that adds the token. */
async function switchboardWith(entry: Record<string, unknown>): Promise<string> {
  const dir = tempDir();
  const config = path.join(dir, 'mcp.json');
  fs.writeFileSync(config, JSON.stringify({ mcpServers: { conf: { ...entry, prefix: false } } }));
  const serve = await startServe(['--config', config, '--data-dir', path.join(dir, 'data')], { SWITCHBOARD_TOKEN: TOKEN });
  await waitFor(async () => (await getHealth(serve.base)).servers[0]?.state === 'ready', 'the fixture to be ready through Switchboard', 30_000);
  return startAuthProxy(`${serve.base}/mcp`, TOKEN);
}

function excluded(outcome: CheckOutcome, stdio: boolean): boolean {
  if (NOT_RE_ENACTED.has(outcome.scenario)) return true;
  const checks = stdio ? NEEDS_HTTP_ONLY_TOOLS[outcome.scenario] : undefined;
  return checks !== undefined && (checks.includes('*') || checks.includes(outcome.check.replace(/#\d+$/, '')));
}

describe('the official conformance suite through Switchboard', () => {
  it('is run against a stdio fixture that truly lacks the tools of the HTTP-only 2026-07-28 handler', async () => {
    const { command, args } = fixtureStdioCommand();
    const client = new Client({ name: 'conformance-test', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command, args, stderr: 'ignore' }));
    try {
      const names = (await client.listTools()).tools.map((tool) => tool.name);
      expect(names).toContain('test_simple_text');
      expect(names.filter((name) => HTTP_ONLY_TOOLS.includes(name))).toEqual([]);
      expect((await client.listPrompts()).prompts.map((prompt) => prompt.name)).not.toContain('test_input_required_result_prompt');
    } finally {
      await client.close();
    }
  });

  for (const [kind, entry] of [
    ['stdio', () => fixtureStdioCommand()],
    ['remote', () => ({ url: fixtureUrl })],
  ] as const) {
    it(`passes, with the fixture as a ${kind} server, every check the fixture passes directly, in both revisions`, async () => {
      const url = await switchboardWith(entry());
      const lost: string[] = [];
      for (const revision of REVISIONS) {
        const reference = direct.get(revision)!.filter((outcome) => !excluded(outcome, kind === 'stdio'));
        expect(reference.filter((outcome) => outcome.status === 'SUCCESS').length).toBeGreaterThan(kind === 'stdio' && revision === '2026-07-28' ? 40 : 70);
        const through = await runConformance(url, revision);
        for (const line of regressions(reference, through)) lost.push(`${revision} ${line}`);
      }
      expect(lost).toEqual([]);
    }, 180_000);
  }
});
