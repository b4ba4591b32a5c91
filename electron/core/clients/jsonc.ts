import { parse, printParseErrorCode, type ParseError, type ParseErrorCode } from 'jsonc-parser';
import { PARSE_ERRORS } from '../config/parse.ts';

/** A client config file that cannot be read as JSON (with comments): says which file and where. */
export class ClientFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'ClientFileError';
  }
}

/**
 * Parses JSON with comments and trailing commas (VS Code's files are JSONC; people add comments to the
 * others too). Throws ClientFileError naming the file, line and column of the first problem.
 */
export function parseJsonc(text: string, file: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(stripBom(text), errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first) {
    const { line, column } = lineAndColumn(stripBom(text), first.offset);
    throw new ClientFileError(file, `${file}: not valid JSON: ${describeParseError(first.error)} at line ${line} column ${column}`);
  }
  return value;
}


function describeParseError(code: ParseErrorCode): string {
  const name = printParseErrorCode(code);
  return PARSE_ERRORS[name] ?? name;
}

export function stripBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
