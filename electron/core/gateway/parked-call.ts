import crypto from 'node:crypto';
import type { CallResult, ClientQuestion } from './pipeline/context.ts';

/** What the downstream client is told next about a parked call. */
export type ParkedEvent =
  | { kind: 'result'; result: CallResult }
  | { kind: 'error'; error: unknown }
  | { kind: 'questions'; questions: Readonly<Record<string, ClientQuestion>> };

interface PendingQuestion {
  readonly question: ClientQuestion;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * A call of a 2026-07-28 client whose server speaks the 2025 protocol. That server asks its client things
 * (elicitation, sampling, roots) by sending requests mid-call; a 2026-07-28 client can only be asked through an
 * `input_required` result, after which it calls again with the answers. So the upstream call is parked: it stays
 * pending while its questions go down, every question asked in the same moment in one round, each under a key of
 * its own; the retry's answers go up by key, and a question left unanswered is asked again in the next round.
 */
export class ParkedCall {
  readonly id = crypto.randomUUID();
  private readonly events: ParkedEvent[] = [];
  private waiter: ((event: ParkedEvent) => void) | undefined;
  /** Questions not handed out yet, and questions handed out and not answered, by key. */
  private readonly pending = new Map<string, PendingQuestion>();
  private readonly handedOut = new Set<string>();
  private questionsQueued = false;
  private nextKey = 1;
  private expiry: NodeJS.Timeout | undefined;
  private settled = false;

  constructor(
    private readonly ttlMs: number,
    private readonly onGone: (call: ParkedCall) => void,
  ) {}

  /** Follows the upstream call: its outcome is the last event. */
  watch(upstream: Promise<CallResult>): void {
    upstream.then(
      (result) => this.push({ kind: 'result', result }),
      (error: unknown) => this.push({ kind: 'error', error }),
    );
  }

  /** The server asks its client something; resolves with the client's answer, from its retry. */
  ask(question: ClientQuestion): Promise<unknown> {
    if (this.settled) return Promise.reject(new Error('MCP Switchboard: the call is no longer waiting for answers'));
    return new Promise((resolve, reject) => {
      this.pending.set(`q${this.nextKey++}`, { question, resolve, reject });
      // Questions asked in the same moment (a server awaiting several at once) go out together.
      if (this.questionsQueued) return;
      this.questionsQueued = true;
      setImmediate(() => {
        this.questionsQueued = false;
        this.pushQuestions();
      });
    });
  }

  /** The next thing for the downstream client: the final result, or the questions to answer. */
  next(): Promise<ParkedEvent> {
    clearTimeout(this.expiry);
    const event = this.events.shift();
    if (event) return Promise.resolve(this.handOut(event));
    return new Promise((resolve) => (this.waiter = (next) => resolve(this.handOut(next))));
  }

  /** The retry's answers, by key. Questions it leaves unanswered are asked again. */
  answer(responses: Readonly<Record<string, unknown>> | undefined): void {
    let unanswered = false;
    for (const key of [...this.handedOut]) {
      const pending = this.pending.get(key);
      this.handedOut.delete(key);
      if (!pending) continue;
      if (responses && Object.hasOwn(responses, key)) {
        this.pending.delete(key);
        pending.resolve(responses[key]);
      } else {
        unanswered = true;
      }
    }
    if (unanswered) this.pushQuestions();
  }

  /** The client never came back: the server's questions fail, and the call is forgotten. */
  abandon(reason: string): void {
    for (const pending of this.pending.values()) pending.reject(new Error(reason));
    this.pending.clear();
    this.finish();
  }

  private pushQuestions(): void {
    const fresh = [...this.pending.entries()].filter(([key]) => !this.handedOut.has(key));
    if (fresh.length === 0) return;
    // Not yet handed-out questions that are already queued in an event stay in that event.
    const queued = this.events.find((event) => event.kind === 'questions');
    const questions = Object.fromEntries(fresh.map(([key, pending]) => [key, pending.question]));
    if (queued && queued.kind === 'questions') Object.assign(queued.questions as Record<string, ClientQuestion>, questions);
    else this.push({ kind: 'questions', questions });
  }

  private handOut(event: ParkedEvent): ParkedEvent {
    if (event.kind === 'questions') {
      for (const key of Object.keys(event.questions)) this.handedOut.add(key);
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
    for (const pending of this.pending.values()) pending.reject(new Error('MCP Switchboard: the call ended'));
    this.pending.clear();
    this.onGone(this);
  }
}
