/** What a secret value is replaced by wherever it would be shown or stored. */
export const REDACTED = '[redacted]';

/** Shorter values are too likely to be ordinary words ("true", "8080") to be hidden everywhere. */
const MIN_LENGTH = 8;

/**
 * Every secret value the app knows (keychain secrets, each server's configured env values and headers, secrets in
 * its args), hidden by value wherever text is shown or kept: logs, messages, traces, history, errors, the UI. A
 * value is also found in its JSON-escaped form, since messages are stored as JSON.
 */
export class Redactor {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;
  private dirty = false;

  /** Adds values to hide (those long enough to be told from ordinary text). */
  add(values: Iterable<string>): void {
    for (const value of values) {
      if (value.length < MIN_LENGTH || this.values.has(value)) continue;
      this.values.add(value);
      const escaped = JSON.stringify(value).slice(1, -1);
      if (escaped !== value) this.values.add(escaped);
      this.dirty = true;
    }
  }

  /** The text with every known secret value replaced. Cheap when there is nothing to hide. */
  redact(text: string): string {
    if (this.values.size === 0) return text;
    if (this.dirty || !this.pattern) {
      // Longest first, so a secret that contains another is hidden whole.
      const sorted = [...this.values].sort((a, b) => b.length - a.length).map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      this.pattern = new RegExp(sorted.join('|'), 'g');
      this.dirty = false;
    }
    return text.replace(this.pattern, REDACTED);
  }

  /** A JSON value with every known secret hidden in its strings (a value that is not JSON comes back as it is). */
  redactValue<T>(value: T): T {
    if (this.values.size === 0 || value === undefined) return value;
    try {
      return JSON.parse(this.redact(JSON.stringify(value))) as T;
    } catch {
      return value;
    }
  }

  get size(): number {
    return this.values.size;
  }
}

/** A value in `args` that is a secret: after a flag that names one (`--token X`, `--api-key=X`, `-p X`). */
const SECRET_FLAG = /^(?:--?)[\w-]*(?:token|secret|password|passwd|api[-_]?key|auth|credential|key)$/i;

/** The secret values among a command's arguments (for the redactor). */
export function secretsInArgs(args: readonly string[]): string[] {
  const found: string[] = [];
  args.forEach((arg, index) => {
    const equals = arg.indexOf('=');
    if (equals > 0 && SECRET_FLAG.test(arg.slice(0, equals))) found.push(arg.slice(equals + 1));
    else if (SECRET_FLAG.test(arg) && index + 1 < args.length && !args[index + 1]!.startsWith('-')) found.push(args[index + 1]!);
  });
  return found;
}
