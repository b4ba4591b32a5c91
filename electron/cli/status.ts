import path from 'node:path';
import { parseArgs } from 'node:util';
import { HealthReportSchema, type HealthReport, type ServerStatus } from '../../shared/model.ts';
import { readEndpoint, readToken } from '../core/data-dir.ts';
import { defaultDataDir } from '../core/paths.ts';
import { toMcpUrl } from './gateway-target.ts';

/** `switchboard status`: one line per server; exit 1 when an enabled server is not ready, 2 when unreachable. */
export async function status(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { url: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir());
  // As call and connect: --url, else SWITCHBOARD_URL, else the endpoint the running serve recorded.
  const given = values.url ?? (process.env.SWITCHBOARD_URL || undefined);
  const endpoint = given === undefined ? readEndpoint(dataDir)?.url : toMcpUrl(given, values.url === undefined ? 'SWITCHBOARD_URL' : '--url').href;
  if (endpoint === undefined) {
    process.stderr.write(`Switchboard is not running (no endpoint recorded in ${dataDir}); start it with \`switchboard serve\`, or pass --url\n`);
    return 2;
  }
  const healthUrl = new URL('/health', endpoint);
  let report: HealthReport;
  try {
    const token = readToken(dataDir);
    const response = await fetch(healthUrl, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    report = HealthReportSchema.parse(await response.json());
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
    process.stderr.write(`cannot reach Switchboard at ${healthUrl.origin}: ${cause}\n`);
    return 2;
  }
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(formatStatusTable(report.servers));
  return report.servers.some((server) => server.state !== 'ready' && server.state !== 'disabled') ? 1 : 0;
}

/** `everything  ready       13 tools` / `broken  crash-loop  (exited with code 1: Error: missing API key)` */
export function formatStatusTable(servers: readonly ServerStatus[]): string {
  if (servers.length === 0) return 'no servers configured\n';
  const nameWidth = Math.max(...servers.map((s) => s.name.length));
  const stateWidth = Math.max(...servers.map((s) => s.state.length));
  return servers
    .map((server) => {
      const replicas = server.replicas.total > 1 ? `, ${server.replicas.ready}/${server.replicas.total} replicas` : '';
      const breaker = server.breaker === 'open' ? ' (failing: calls refused for now)' : server.breaker === 'half-open' ? ' (failing: trying one call)' : '';
      const load = server.load && server.load.callsPerSecond > 0 ? `, ${formatRate(server.load.callsPerSecond)} calls/s, ${(server.load.errorRate * 100).toFixed(1)}% errors` : '';
      const detail = server.state === 'ready' ? `${server.tools} tool${server.tools === 1 ? '' : 's'}${replicas}${load}${breaker}` : server.lastError ? `(${server.lastError})` : '';
      return `${server.name.padEnd(nameWidth)}  ${server.state.padEnd(stateWidth)}  ${detail}`.trimEnd();
    })
    .join('\n')
    .concat('\n');
}

/** Calls a second over the last minute, as a person reads it. */
function formatRate(perSecond: number): string {
  return perSecond >= 10 ? perSecond.toFixed(0) : perSecond >= 1 ? perSecond.toFixed(1) : perSecond.toFixed(2);
}
