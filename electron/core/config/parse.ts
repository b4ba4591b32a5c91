import path from 'node:path';
import type { z } from 'zod';
import { ConfigFileSchema, type ServerConfig } from './schema.ts';

/** A config file, parsed: the servers to run, and the raw JSON it came from (kept for lossless saves). */
export interface ConfigDocument {
  readonly servers: ReadonlyMap<string, ServerConfig>;
  /** The file's JSON as read, unknown fields included. Saves edit this, never a rebuilt object. */
  readonly raw: Record<string, unknown>;
}

/** A config that cannot be used, with one line per problem, each naming the file and the field. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Parses the text of an mcp.json. Throws ConfigError with a precise location; never a raw stack. */
export function parseConfig(text: string, file: string): ConfigDocument {
  const label = path.basename(file);
  let json: unknown;
  try {
    json = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [`${label}: not valid JSON: ${describeJsonError(error, text)}`]);
  }
  const result = ConfigFileSchema.safeParse(json);
  if (!result.success) {
    throw new ConfigError(file, formatIssues(label, result.error.issues));
  }
  const servers = new Map<string, ServerConfig>();
  for (const [name, entry] of Object.entries(result.data.mcpServers)) {
    servers.set(name, { ...entry, name });
  }
  return { servers, raw: json as Record<string, unknown> };
}

function formatIssues(label: string, issues: readonly z.core.$ZodIssue[]): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const issue of issues) {
    const where = formatPath(issue.path);
    const line = `${label}: ${where ? `${where}: ` : ''}${issue.message}`;
    if (!seen.has(line)) {
      seen.add(line);
      lines.push(line);
    }
  }
  return lines;
}

/** `['mcpServers', 'github', 'args', 1]` becomes `mcpServers.github.args[1]`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function describeJsonError(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  // V8 says "... at position 42 (line 3 column 5)"; older engines only give the position.
  if (/line \d+ column \d+/.test(message)) return message;
  const match = /position (\d+)/.exec(message);
  if (!match) return message;
  const offset = Number(match[1]);
  const before = text.slice(0, offset).split('\n');
  return `${message} (line ${before.length} column ${(before.at(-1)?.length ?? 0) + 1})`;
}
