import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
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
  let json: unknown = {};
  if (text.trim() !== '') {
    // JSON with comments and trailing commas, as import reads client files: one behaviour, one way of saying where.
    const errors: ParseError[] = [];
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    json = parseJsonc(body, errors, { allowTrailingComma: true, disallowComments: false });
    const first = errors[0];
    if (first) {
      const before = body.slice(0, first.offset).split('\n');
      throw new ConfigError(file, [`${label}: not valid JSON: ${PARSE_ERRORS[printParseErrorCode(first.error)] ?? printParseErrorCode(first.error)} at line ${before.length} column ${(before.at(-1)?.length ?? 0) + 1}`]);
    }
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

/** jsonc-parser's codes (`CloseBraceExpected`) as a person would say them. */
export const PARSE_ERRORS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'a property name (in double quotes) is missing',
  ValueExpected: 'a value is missing',
  ColonExpected: 'a colon (:) is missing',
  CommaExpected: 'a comma is missing',
  CloseBraceExpected: 'a closing brace (}) is missing',
  CloseBracketExpected: 'a closing bracket (]) is missing',
  EndOfFileExpected: 'unexpected text after the end',
  UnexpectedEndOfComment: 'a comment is not closed',
  UnexpectedEndOfString: 'a string is not closed',
  InvalidEscapeCharacter: 'invalid escape in a string',
  InvalidCharacter: 'invalid character in a string',
};
