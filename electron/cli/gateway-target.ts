import path from 'node:path';
import { readEndpoint, readToken } from '../core/data-dir.ts';
import { defaultDataDir } from '../core/paths.ts';
import { DEFAULT_PORT, UsageError } from './usage.ts';

/** Where a running Switchboard's /mcp is, and the token for it, for commands that talk to it. */
export interface GatewayTarget {
  url: URL;
  token: string | undefined;
  dataDir: string;
  /** How the URL was found, for messages. */
  source: 'flag' | 'env' | 'data dir' | 'default';
}

/** `--url`, else SWITCHBOARD_URL, else the endpoint a running `serve` recorded in the data dir, else the default port. */
export function resolveGatewayTarget(values: { url?: string; 'data-dir'?: string }, env: NodeJS.ProcessEnv = process.env): GatewayTarget {
  const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir(env));
  const token = readToken(dataDir, env);
  if (values.url) return { url: toMcpUrl(values.url, '--url'), token, dataDir, source: 'flag' };
  if (env.SWITCHBOARD_URL) return { url: toMcpUrl(env.SWITCHBOARD_URL, 'SWITCHBOARD_URL'), token, dataDir, source: 'env' };
  const recorded = readEndpoint(dataDir)?.url;
  if (recorded) return { url: new URL(recorded), token, dataDir, source: 'data dir' };
  return { url: new URL(`http://127.0.0.1:${DEFAULT_PORT}/mcp`), token, dataDir, source: 'default' };
}

/** The headers of a request to the gateway: the token, and the client it acts as (the stdio bridge's `--client`). */
export function gatewayHeaders(target: GatewayTarget, client?: string): Record<string, string> {
  return { ...(target.token ? { Authorization: `Bearer ${target.token}` } : {}), ...(client ? { 'x-switchboard-client': client } : {}) };
}

/** Accepts `http://host:port` and `http://host:port/mcp` alike; anything else is a UsageError naming `what`. */
export function toMcpUrl(value: string, what = '--url'): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${what} must be an http(s) URL such as http://127.0.0.1:${DEFAULT_PORT}/mcp, not "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${what} must be an http(s) URL, not "${value}"`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/mcp';
  return url;
}

/** The message of an error from the SDK's HTTP transport (its cause's, for a failed fetch). */
function errorText(error: unknown): string {
  if (error instanceof Error && error.cause instanceof Error) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** True when Switchboard's /mcp answered 401 (its own wording, not a server's error that mentions a 401). */
export function isRefusedToken(error: unknown): boolean {
  return /Unauthorized: (send the Switchboard token|the client "|Switchboard has no client|this token of the client|Switchboard knows no client)/.test(errorText(error));
}

/**
 * One sentence for a failed request to the gateway. A refused token gets its own (the raw error is the HTTP
 * body as JSON): which token was sent and how to get the right one.
 */
export function describeGatewayError(error: unknown, target: GatewayTarget, env: NodeJS.ProcessEnv = process.env): string {
  if (!isRefusedToken(error)) return errorText(error);
  // A client's own refusal (revoked, unknown) is Switchboard's sentence as it is.
  // A refusal of the first request comes as the HTTP body, JSON with its quotes escaped: read it unescaped.
  const own = /Unauthorized: (the client "[^"]*" was revoked in Switchboard|Switchboard has no client named "[^"]*"[^"}]*|this token of the client "[^"]*" was revoked in Switchboard)/.exec(errorText(error).replace(/\\"/g, '"'));
  if (own) return `Switchboard at ${target.url.origin}: ${own[1]!.replace(/\\`/g, '`')}`;
  const sent = !target.token ? 'a request without a token' : env.SWITCHBOARD_TOKEN ? 'the token from SWITCHBOARD_TOKEN' : `the token in ${path.join(target.dataDir, 'token')}`;
  return `Switchboard at ${target.url.origin} refused ${sent}: use its own (the token file in its data dir, or pass its --data-dir); if it was regenerated, export the client's config again`;
}
