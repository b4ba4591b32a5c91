import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { formatStatusTable } from '../../../electron/cli/status.ts';
import { fixture, removeTempDirs, tempDir } from '../../helpers/fs.ts';
import { cleanupServes, getHealth, startServe, runSwitchboard } from '../../helpers/serve.ts';
import { waitFor } from '../../helpers/wait.ts';

const statusCli = (args: string[]) => runSwitchboard(['status', ...args]);

afterEach(async () => {
  await cleanupServes();
  removeTempDirs();
});

describe('switchboard status', () => {
  it('prints one line per server and exits 1 while an enabled server is down', async () => {
    const dataDir = tempDir();
    const config = path.join(dataDir, 'mcp.json');
    fs.writeFileSync(
      config,
      JSON.stringify({
        mcpServers: {
          dynamic: { command: process.execPath, args: [fixture('dynamic.mjs')] },
          broken: { command: process.execPath, args: [fixture('crash-at-start.mjs')], restart: { maxRetries: 1, initialDelayMs: 10 } },
          off: { command: process.execPath, args: [fixture('dynamic.mjs')], disabled: true },
        },
      }),
    );
    const serve = await startServe(['--data-dir', dataDir]);
    await waitFor(async () => (await getHealth(serve.base)).servers.find((s) => s.name === 'broken')?.state === 'crash-loop', 'broken to give up');
    await waitFor(async () => (await getHealth(serve.base)).servers.find((s) => s.name === 'dynamic')?.state === 'ready', 'dynamic to be ready');

    // No --url: it finds the running gateway through the data dir.
    const result = await statusCli(['--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      ['dynamic  ready       2 tools', 'broken   crash-loop  (exited with code 1: Error: missing API key (set FIXTURE_API_KEY))', 'off      disabled', ''].join('\n'),
    );

    // SWITCHBOARD_URL is heard as call and connect hear it (a data dir with no record of this serve).
    const viaEnv = await runSwitchboard(['status', '--data-dir', tempDir()], { SWITCHBOARD_URL: `${serve.base}/mcp` });
    expect(viaEnv.stdout.split('\n')[0]).toBe('dynamic  ready       2 tools');

    const json = await statusCli(['--url', `${serve.base}/mcp`, '--json']);
    expect(JSON.parse(json.stdout).servers.map((s: { name: string; state: string }) => `${s.name}:${s.state}`)).toEqual(['dynamic:ready', 'broken:crash-loop', 'off:disabled']);

    // Calls made in the last minute show as calls/s and errors.
    const client = new Client({ name: 'status-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${serve.base}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${fs.readFileSync(path.join(dataDir, 'token'), 'utf8').trim()}` } } }));
    for (let call = 0; call < 6; call++) await client.callTool({ name: 'dynamic__ping_fixture', arguments: {} });
    await client.close();
    expect((await statusCli(['--data-dir', dataDir])).stdout.split('\n')[0]).toMatch(/^dynamic {2}ready {7}2 tools, 0\.\d\d calls\/s, \d+\.\d% errors$/);

    // Remove the broken server: every enabled server is ready, so status exits 0.
    const edited = JSON.parse(fs.readFileSync(config, 'utf8'));
    delete edited.mcpServers.broken;
    fs.writeFileSync(config, JSON.stringify(edited));
    await waitFor(async () => (await getHealth(serve.base)).servers.length === 2, 'the config change');
    expect((await statusCli(['--data-dir', dataDir])).code).toBe(0);
  });

  it('says Switchboard is not running, and exits 2, when nothing is recorded or nothing answers', async () => {
    const dataDir = tempDir();
    const none = await statusCli(['--data-dir', dataDir]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`Switchboard is not running (no endpoint recorded in ${dataDir})`);
    const dead = await statusCli(['--url', 'http://127.0.0.1:9/mcp']);
    expect(dead.code).toBe(2);
    expect(dead.stderr).toMatch(/^cannot reach Switchboard at http:\/\/127\.0\.0\.1:9: /);
  });

  it('says what is wrong with a --url that is not a URL (status, call and connect alike), without a stack trace', async () => {
    for (const command of [['status'], ['call', 'x__y'], ['connect']]) {
      const result = await runSwitchboard([...command, '--url', 'nonsense']);
      expect(result).toMatchObject({ code: 2, stderr: `switchboard ${command[0]}: --url must be an http(s) URL such as http://127.0.0.1:7780/mcp, not "nonsense"\nRun \`switchboard --help\` for the options.\n` });
    }
  });
});

describe('formatStatusTable', () => {
  it('aligns names and states and shows the reason of a server that is down', () => {
    const base = { pid: null, resources: 0, prompts: 0, restarts: 0, since: 0, readySince: null, nextRestartAt: null, replicas: { ready: 1, total: 1 } };
    expect(
      formatStatusTable([
        { ...base, name: 'github', state: 'ready', tools: 26, lastError: null },
        { ...base, name: 'slack', state: 'failed', tools: 0, lastError: 'spawn npx ENOENT' },
        { ...base, name: 'one', state: 'ready', tools: 1, lastError: null },
        { ...base, name: 'pool', state: 'ready', tools: 3, lastError: null, replicas: { ready: 1, total: 2 } },
        { ...base, name: 'flaky', state: 'ready', tools: 2, lastError: null, breaker: 'open' },
        { ...base, name: 'busy', state: 'ready', tools: 4, lastError: null, load: { callsPerSecond: 12.34, errorRate: 0.015 } },
      ]),
    ).toBe(
      'github  ready   26 tools\nslack   failed  (spawn npx ENOENT)\none     ready   1 tool\npool    ready   3 tools, 1/2 replicas\nflaky   ready   2 tools (failing: calls refused for now)\nbusy    ready   4 tools, 12 calls/s, 1.5% errors\n',
    );
  });
});
