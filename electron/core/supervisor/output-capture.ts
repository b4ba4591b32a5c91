import type { LogLevel, LogStream } from '../../../shared/model.ts';
import { LineSplitter } from './line-splitter.ts';

export interface CaptureLimits {
  /** Longer lines are cut. */
  maxLineLength: number;
  /** Sustained lines per second kept; beyond it lines are counted as dropped. */
  linesPerSecond: number;
  /** Lines that may arrive at once before the rate applies. */
  burst: number;
  /** Recent lines kept in memory (for error messages and a quick look). */
  recent: number;
}

export const DEFAULT_CAPTURE_LIMITS: CaptureLimits = { maxLineLength: 8192, linesPerSecond: 1000, burst: 5000, recent: 200 };

export type LineSink = (stream: LogStream, level: LogLevel, message: string) => void;

/** A token bucket: `burst` at once, `perSecond` sustained; what is over it is refused (and the caller counts it). */
export class RateLimit {
  private tokens: number;
  private lastRefill: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.lastRefill = now();
  }

  allow(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastRefill) * this.perSecond) / 1000);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}

/**
 * Captures one stream of a server (its stderr) line by line, bounded in every direction: line length,
 * lines per second (a token bucket; the excess is counted and reported, never stored) and lines in memory.
 */
export class OutputCapture {
  private readonly splitter: LineSplitter;
  private readonly recentLines: string[] = [];
  private readonly rate: RateLimit;
  private droppedSinceReport = 0;
  private droppedTotal = 0;
  private reportTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: LogStream,
    private readonly sink: LineSink,
    private readonly limits: CaptureLimits = DEFAULT_CAPTURE_LIMITS,
    now: () => number = Date.now,
  ) {
    this.rate = new RateLimit(limits.linesPerSecond, limits.burst, now);
    this.splitter = new LineSplitter((line, truncatedBy) => this.take(line, truncatedBy), limits.maxLineLength);
  }

  push(chunk: Buffer | string): void {
    this.splitter.push(chunk);
  }

  end(): void {
    this.splitter.end();
    this.reportDropped();
  }

  /** The most recent lines, oldest first. */
  get recent(): readonly string[] {
    return this.recentLines;
  }

  get dropped(): number {
    return this.droppedTotal;
  }

  private take(line: string, truncatedBy: number): void {
    if (line.trim() === '') return;
    if (!this.rate.allow()) {
      this.droppedSinceReport++;
      this.droppedTotal++;
      this.reportTimer ??= setTimeout(() => this.reportDropped(), 1000);
      return;
    }
    const text = truncatedBy > 0 ? `${line} … [line cut: ${truncatedBy} more characters]` : line;
    this.recentLines.push(text);
    if (this.recentLines.length > this.limits.recent) this.recentLines.shift();
    this.sink(this.stream, levelOf(line), text);
  }

  private reportDropped(): void {
    clearTimeout(this.reportTimer);
    this.reportTimer = undefined;
    if (this.droppedSinceReport === 0) return;
    const count = this.droppedSinceReport;
    this.droppedSinceReport = 0;
    this.sink('lifecycle', 'warn', `dropped ${count} ${this.stream} lines: more than ${this.limits.linesPerSecond} lines/s (${this.droppedTotal} dropped in all)`);
  }

  dispose(): void {
    this.reportDropped();
  }
}

/** A guess at a stderr line's level from its words; most servers log everything to stderr. */
export function levelOf(line: string): LogLevel {
  if (/\b(error|fatal|panic|exception|traceback)\b/i.test(line)) return 'error';
  if (/\bwarn(ing)?\b/i.test(line)) return 'warn';
  if (/\bdebug\b/i.test(line)) return 'debug';
  return 'info';
}

/**
 * One line that says why a process failed, from what it wrote to stderr: the first line that names an
 * error (`Error: missing API key`), else the last non-empty line. Empty when it wrote nothing.
 */
export function summarizeStderr(lines: readonly string[]): string {
  const meaningful = lines.map((line) => line.trim()).filter((line) => line !== '');
  const named = meaningful.find((line) => /^([\w.]*(Error|Exception)\b|error\b|fatal\b|panic\b)/i.test(line));
  const chosen = named ?? meaningful.at(-1) ?? '';
  return chosen.length > 300 ? `${chosen.slice(0, 300)}…` : chosen;
}
