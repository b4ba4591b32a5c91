// `/metrics` of a running `switchboard serve`, scraped by a real Prometheus (Debian's, started here on 127.0.0.1 with
// its own storage in a temporary folder): its query API returns the calls this test made, per tool, and the errors.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs, repoRoot, tempDir } from '../../helpers/fs.ts';
import { cleanupServes, getHealth, startServe, type ServeProcess } from '../../helpers/serve.ts';
import { waitFor } from '../../helpers/wait.ts';

const PROMETHEUS = '/usr/bin/prometheus';
const skipReason = fs.existsSync(PROMETHEUS) ? '' : 'skipped: /usr/bin/prometheus is not installed (.ci/run installs it)';
const TOKEN = 'admin-token-for-the-metrics-test';
const SCRAPE = 'scrape-token-for-the-metrics-test';

let serve: ServeProcess;
let prometheus: ChildProcess | undefined;
let promUrl: string;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.skipIf(skipReason !== '')(`metrics scraped by a real Prometheus ${skipReason}`, () => {
  beforeAll(async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'mcp.json'), JSON.stringify({ mcpServers: { notes: { command: process.execPath, args: [fixture('annotated.mjs'), 'notes'] } } }));
    serve = await startServe(['--data-dir', dataDir], { SWITCHBOARD_TOKEN: TOKEN, SWITCHBOARD_METRICS_TOKEN: SCRAPE });
    await waitFor(async () => (await getHealth(serve.base)).status === 'ok', 'the server ready');
    const dir = tempDir();
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    const config = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: switchboard',
        '    metrics_path: /metrics',
        '    authorization:',
        `      credentials: ${SCRAPE}`,
        '    static_configs:',
        `      - targets: ['${new URL(serve.base).host}']`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(PROMETHEUS, [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
    await waitFor(async () => (await fetch(`${promUrl}/-/ready`)).ok, 'Prometheus to be ready', 30_000, 200);
  });

  afterAll(async () => {
    prometheus?.kill('SIGKILL');
    await cleanupServes();
    removeTempDirs();
  });

  const query = async (promql: string): Promise<Record<string, number>> => {
    const response = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    return Object.fromEntries(body.data.result.map((row) => [Object.values(row.metric).join(',') || 'all', Number(row.value[1])]));
  };

  it('is refused without a token, and lints clean with promtool', async () => {
    expect((await fetch(`${serve.base}/metrics`)).status).toBe(401);
    expect((await fetch(`${serve.base}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const text = await (await fetch(`${serve.base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(text).toContain('# TYPE mcp_server_operation_duration_seconds histogram');
    expect(text).toMatch(/switchboard_server_up\{switchboard_server="notes",state="ready"\} 1/);
    // Liveness pings are counted here rather than logged one by one.
    expect(text).toMatch(/switchboard_server_health_probes\{switchboard_server="notes"\} \d+/);
    // promtool's naming lint: nothing about ours (prom-client's own nodejs_*_total gauges are its to fix).
    const lint = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    const problems = `${lint.stdout}${lint.stderr}`.split('\n').filter((line) => /^(mcp_|switchboard_)/.test(line));
    expect(problems).toEqual([]);
  });

  it("counts the test's calls per tool, and its errors, as Prometheus reads them", async () => {
    const client = new Client({ name: 'metrics-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${serve.base}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
    for (let call = 0; call < 5; call++) await client.callTool({ name: 'notes__read_notes', arguments: {} });
    for (let call = 0; call < 2; call++) expect((await client.callTool({ name: 'notes__broken', arguments: {} })).isError).toBe(true);
    await client.close();
    const calls = await waitFor(async () => {
      const counts = await query('sum by (gen_ai_tool_name) (mcp_server_operation_duration_seconds_count{mcp_method_name="tools/call"})');
      return counts.notes__read_notes === 5 && counts.notes__broken === 2 ? counts : undefined;
    }, 'Prometheus to have scraped the calls', 30_000, 500);
    expect(calls).toEqual({ notes__read_notes: 5, notes__broken: 2 });
    expect(await query('sum(mcp_server_operation_duration_seconds_count{error_type="tool_error"})')).toEqual({ all: 2 });
    expect(Object.values(await query('switchboard_server_up{switchboard_server="notes",state="ready"}'))).toEqual([1]);
  });

  it('the deploy/ examples work: the scrape config passes promtool, every dashboard query runs on Prometheus', async () => {
    const dir = tempDir();
    const tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, SCRAPE);
    const config = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(config, fs.readFileSync(path.join(repoRoot, 'deploy', 'prometheus.yml'), 'utf8').replace('/etc/prometheus/switchboard-scrape-token', tokenFile));
    const checked = spawnSync('/usr/bin/promtool', ['check', 'config', config], { encoding: 'utf8' });
    expect(checked.status, `${checked.stdout}${checked.stderr}`).toBe(0);
    const dashboard = JSON.parse(fs.readFileSync(path.join(repoRoot, 'deploy', 'grafana-dashboard.json'), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        const response = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(target.expr.replaceAll('$__rate_interval', '1m'))}`);
        const body = (await response.json()) as { status: string; error?: string };
        expect(body, panel.title).toMatchObject({ status: 'success' });
      }
    }
  });
});
