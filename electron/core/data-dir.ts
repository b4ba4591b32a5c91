import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './base/fs.ts';

/** The files of a data dir. */
export function dataDirFiles(dataDir: string) {
  return {
    config: path.join(dataDir, 'mcp.json'),
    token: path.join(dataDir, 'token'),
    endpoint: path.join(dataDir, 'endpoint.json'),
  };
}

/** The config a fresh data dir starts with: our demo server, so a first run shows something real. */
export function defaultConfigText(): string {
  const config = {
    mcpServers: {
      demo: {
        command: '${switchboard:node}',
        args: ['${switchboard:resources}/demo-server/server.mjs'],
      },
    },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** Writes the default config if there is none yet. Returns true if it did. */
export function ensureConfig(file: string): boolean {
  if (fs.existsSync(file)) return false;
  writeFileAtomic(file, defaultConfigText());
  return true;
}

/**
 * The bearer token clients must present: `SWITCHBOARD_TOKEN` if set, else the data dir's `token`
 * file, created on first use with mode 0600.
 */
export function loadOrCreateToken(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.SWITCHBOARD_TOKEN) return env.SWITCHBOARD_TOKEN;
  const file = dataDirFiles(dataDir).token;
  try {
    const token = fs.readFileSync(file, 'utf8').trim();
    if (token !== '') return token;
  } catch {
    // Not created yet.
  }
  const token = crypto.randomBytes(32).toString('base64url');
  writeFileAtomic(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/** Reads the token without creating one (for commands that talk to a running gateway). */
export function readToken(dataDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.SWITCHBOARD_TOKEN) return env.SWITCHBOARD_TOKEN;
  try {
    return fs.readFileSync(dataDirFiles(dataDir).token, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Where a running `serve` can be reached, recorded so other commands find it without flags. */
export interface EndpointRecord {
  url: string;
  port: number;
  pid: number;
  startedAt: number;
  /** The config file the running Switchboard uses (`--config`, or the data dir's mcp.json). */
  configPath?: string;
}

/**
 * The config file commands edit or read when none is named: the one the Switchboard running on this data dir uses
 * (which may be a `--config` elsewhere), else the data dir's mcp.json.
 */
export function configPathOf(dataDir: string): string {
  const record = readEndpoint(dataDir);
  const running = record?.configPath !== undefined && record.pid !== undefined && isRunning(record.pid);
  return running ? record.configPath! : dataDirFiles(dataDir).config;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function writeEndpoint(dataDir: string, record: EndpointRecord): void {
  writeFileAtomic(dataDirFiles(dataDir).endpoint, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
}

export function readEndpoint(dataDir: string): EndpointRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(dataDirFiles(dataDir).endpoint, 'utf8')) as EndpointRecord;
  } catch {
    return undefined;
  }
}

export function removeEndpoint(dataDir: string, pid = process.pid): void {
  if (readEndpoint(dataDir)?.pid === pid) fs.rmSync(dataDirFiles(dataDir).endpoint, { force: true });
}
