import crypto from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/server';

/** What the downstream client is told next about a parked call. */
export type ParkedEvent =
  | { kind: 'result'; result: CallToolResult }
  | { kind: 'error'; error: unknown }
  | { kind: 'request'; request: { method: string; params?: Record<string, unknown> } };

/**
 * A tool call of a 2026-07-28 client whose upstream speaks the 2025 protocol. That upstream asks its client
 * things (elicitation, sampling) by sending a request mid-call; a 2026-07-28 client can only be asked by an
 * `input_required` result, after which it calls again with the answer. So the upstream call is parked: it
 * stays pending while the question goes down as `input_required`, and the retry carries the answer up.
 */
export class ParkedCall {
  readonly id = crypto.randomUUID();
  private readonly events: ParkedEvent[] = [];
  private waiter: ((event: ParkedEvent) => void) | undefined;
  private pendingAnswer: { resolve: (value: unknown) => void; reject: (error: Error) => void } | undefined;
  private expiry: NodeJS.Timeout | undefined;
  private settled = false;

  constructor(
    private readonly ttlMs: number,
    private readonly onGone: (call: ParkedCall) => void,
  ) {}

  /** Follows the upstream call: its outcome is the last event. */
  watch(upstream: Promise<CallToolResult>): void {
    upstream.then(
      (result) => this.push({ kind: 'result', result }),
      (error: unknown) => this.push({ kind: 'error', error }),
    );
  }

  /** The upstream asks its client something; resolves with the downstream client's answer on its retry. */
  ask(request: { method: string; params?: Record<string, unknown> }): Promise<unknown> {
    if (this.pendingAnswer) return Promise.reject(new Error('MCP Switchboard: one question at a time per call'));
    return new Promise((resolve, reject) => {
      this.pendingAnswer = { resolve, reject };
      this.push({ kind: 'request', request });
    });
  }

  /** The next thing for the downstream client: the final result, or a question to answer. */
  next(): Promise<ParkedEvent> {
    clearTimeout(this.expiry);
    const event = this.events.shift();
    if (event) return Promise.resolve(this.handOut(event));
    return new Promise((resolve) => (this.waiter = (next) => resolve(this.handOut(next))));
  }

  /** The downstream client's retry carries the answer to the question it was asked. */
  answer(response: unknown): void {
    const pending = this.pendingAnswer;
    this.pendingAnswer = undefined;
    pending?.resolve(response);
  }

  /** The downstream client never came back: the upstream's question fails, and the call is forgotten. */
  abandon(reason: string): void {
    const pending = this.pendingAnswer;
    this.pendingAnswer = undefined;
    pending?.reject(new Error(reason));
    this.finish();
  }

  private handOut(event: ParkedEvent): ParkedEvent {
    if (event.kind === 'request') {
      this.expiry = setTimeout(() => this.abandon('MCP Switchboard: the client did not answer in time'), this.ttlMs);
      this.expiry.unref();
    } else {
      this.finish();
    }
    return event;
  }

  private push(event: ParkedEvent): void {
    if (this.settled) return;
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) waiter(event);
    else this.events.push(event);
  }

  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.expiry);
    this.onGone(this);
  }
}
