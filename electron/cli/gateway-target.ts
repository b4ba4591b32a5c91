import path from 'node:path';
import { readEndpoint, readToken } from '../core/data-dir.ts';
import { defaultDataDir } from '../core/paths.ts';
import { DEFAULT_PORT } from './usage.ts';

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
  if (values.url) return { url: toMcpUrl(values.url), token, dataDir, source: 'flag' };
  if (env.SWITCHBOARD_URL) return { url: toMcpUrl(env.SWITCHBOARD_URL), token, dataDir, source: 'env' };
  const recorded = readEndpoint(dataDir)?.url;
  if (recorded) return { url: new URL(recorded), token, dataDir, source: 'data dir' };
  return { url: new URL(`http://127.0.0.1:${DEFAULT_PORT}/mcp`), token, dataDir, source: 'default' };
}

/** Accepts `http://host:port` and `http://host:port/mcp` alike. */
function toMcpUrl(value: string): URL {
  const url = new URL(value);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/mcp';
  return url;
}
