import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { LogEntry, StatusChange } from '../../shared/model.ts';
import { installLastResort } from '../core/base/last-resort.ts';
import { ConfigError } from '../core/config/parse.ts';
import { loadOrCreateToken, removeEndpoint, writeEndpoint } from '../core/data-dir.ts';
import { HttpServer } from '../core/http/http-server.ts';
import { appVersion, defaultDataDir, packageRoot } from '../core/paths.ts';
import { DataDirInUseError } from '../core/store/store.ts';
import { Switchboard } from '../core/switchboard.ts';
import { mountWebUi } from '../core/ui/index.ts';
import { DEFAULT_PORT, UsageError } from './usage.ts';

/** `switchboard serve`: the core, headless, until SIGINT or SIGTERM. Resolves with the exit code. */
export async function serve(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      'data-dir': { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: String(DEFAULT_PORT) },
      'no-ui': { type: 'boolean', default: false },
      'max-body-mb': { type: 'string', default: '4' },
      'log-format': { type: 'string', default: 'text' },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${values.port}"`);
  const maxBodyMb = Number(values['max-body-mb']);
  if (!(maxBodyMb > 0)) throw new UsageError(`--max-body-mb must be a positive number, not "${values['max-body-mb']}"`);
  const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir());
  const configPath = values.config === undefined ? undefined : path.resolve(values.config);
  const format = values['log-format'];
  if (format !== 'text' && format !== 'json') throw new UsageError(`--log-format must be text or json, not "${format}"`);
  // JSON lines: every stored log line (the app's, each server's stderr, lifecycle) as one object on stderr, for a
  // log shipper (ELK, Loki); the sentences for a person are those same lines, so they are not printed twice.
  const stderr = (line: string, level: LogEntry['level'] = 'info') =>
    process.stderr.write(format === 'json' ? `${JSON.stringify({ time: new Date().toISOString(), level, message: line, stream: 'app' })}\n` : `${line}\n`);

  // A port that is taken is said before any server is started (and stopped again).
  const taken = port === 0 ? undefined : await portProblem(values.host, port);
  if (taken) {
    stderr(taken, 'error');
    return 1;
  }

  let app: Switchboard;
  try {
    app = await Switchboard.start(
      { dataDir, configPath, version: appVersion(), resourcesDir: path.join(packageRoot(), 'resources') },
      // In JSON, the app's lines come with the store's (below).
      format === 'json' ? undefined : (line) => stderr(`${line.level === 'info' ? '' : `${line.level}: `}${line.message}`),
    );
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DataDirInUseError) {
      stderr(error.message, 'error');
      return 1;
    }
    throw error;
  }
  const lastResort = installLastResort((message) => app.log('error', message));
  if (format === 'json') {
    app.store.logs.onDidAppend((entries) => {
      let out = '';
      for (const entry of entries) out += `${JSON.stringify(jsonLine(entry))}\n`;
      process.stderr.write(out);
    });
  }
  // Status changes are lifecycle lines of the store too: in JSON they come with those.
  if (format === 'text') app.supervisor.onDidChangeStatus((change) => stderr(describeChange(app, change)));
  const token = loadOrCreateToken(dataDir);

  const http = new HttpServer(app, { host: values.host, port, token, maxBodyBytes: Math.round(maxBodyMb * 1024 * 1024), metricsToken: process.env.SWITCHBOARD_METRICS_TOKEN });
  const web = values['no-ui']
    ? undefined
    : mountWebUi(app, http, {
        dataDir,
        token,
        tokenFromEnv: Boolean(process.env.SWITCHBOARD_TOKEN),
        rendererDir: path.join(packageRoot(), 'dist', 'renderer'),
        launcher: { command: process.execPath, args: [path.join(packageRoot(), 'bin', 'switchboard.js')] },
      });
  let base: string;
  try {
    ({ url: base } = await http.listen());
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    stderr(code === 'EADDRINUSE' ? `port ${port} on ${values.host} is in use; pick another with --port (or --port 0 for any free one)` : `cannot listen on ${values.host}:${port}: ${String(error)}`, 'error');
    web?.dispose();
    await app.shutdown();
    return 1;
  }
  writeEndpoint(dataDir, { url: `${base}/mcp`, port: Number(new URL(base).port), pid: process.pid, startedAt: Date.now(), configPath: app.config.path });
  process.stdout.write(`MCP endpoint: ${base}/mcp\n`);
  process.stdout.write(`Health: ${base}/health\n`);
  process.stdout.write(`Metrics: ${base}/metrics (Prometheus; the token, or SWITCHBOARD_METRICS_TOKEN)\n`);
  if (web) process.stdout.write(`UI: ${web.ui.signInUrl()}\n`);
  stderr(`data dir: ${dataDir}`);
  stderr(`config: ${app.config.path}`);

  return new Promise<number>((resolve) => {
    let signals = 0;
    const stop = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        stderr(`${signal} again: exiting without waiting`);
        process.exit(130);
      }
      stderr(`${signal}: stopping every server…`);
      void (async () => {
        removeEndpoint(dataDir);
        web?.dispose();
        await Promise.all([http.close(), app.shutdown(5000)]);
        lastResort.dispose();
        stderr('stopped');
        resolve(0);
      })();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function describeChange(app: Switchboard, change: StatusChange): string {
  const status = app.supervisor.get(change.server)?.status();
  const extra = change.state === 'ready' && status ? ` (${status.tools} tools)` : change.detail ? ` (${change.detail})` : '';
  return `${change.server}: ${change.state}${extra}`;
}

/** A log line as log shippers read it: ISO time, level, message, and the fields to filter on (trace_id to correlate). */
function jsonLine(entry: LogEntry): Record<string, unknown> {
  return {
    time: new Date(entry.time).toISOString(),
    level: entry.level,
    message: entry.message,
    stream: entry.stream,
    ...(entry.server !== null ? { server: entry.server } : {}),
    ...(entry.traceId ? { trace_id: entry.traceId } : {}),
  };
}

/** Why `port` on `host` cannot be listened on now (taken, not allowed), or undefined when it can. */
async function portProblem(host: string, port: number): Promise<string | undefined> {
  const probe = net.createServer();
  return new Promise((resolve) => {
    probe.once('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'EADDRINUSE' ? `port ${port} on ${host} is in use; pick another with --port (or --port 0 for any free one)` : `cannot listen on ${host}:${port}: ${error.code ?? String(error)}`),
    );
    probe.listen(port, host, () => probe.close(() => resolve(undefined)));
  });
}
