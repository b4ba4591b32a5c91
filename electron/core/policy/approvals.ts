import crypto from 'node:crypto';
import type { Approval, ApprovalAnswer } from '../../../shared/access.ts';
import { Emitter, type Event } from '../base/event.ts';
import type { Disposable } from '../base/lifecycle.ts';

/** How a person's wait ended. */
export type ApprovalOutcome = ApprovalAnswer | 'timeout' | 'cancelled';

interface Pending {
  readonly approval: Approval;
  settle(outcome: ApprovalOutcome): void;
}

/**
 * Calls waiting for a person ("ask"): the window lists them and answers each (approve once, always for this client,
 * deny). Nobody answering within the bound is a deny; a call its client cancels leaves the list.
 */
export class Approvals implements Disposable {
  private readonly pending = new Map<string, Pending>();
  private readonly changed = new Emitter<readonly Approval[]>();
  /** Fires with the whole list whenever a call starts or stops waiting. */
  readonly onDidChange: Event<readonly Approval[]> = this.changed.event;
  private readonly added = new Emitter<Approval>();
  /** Fires for each new call waiting (the desktop app shows a notification). */
  readonly onDidAdd: Event<Approval> = this.added.event;

  list(): Approval[] {
    return [...this.pending.values()].map((entry) => entry.approval);
  }

  ask(request: Omit<Approval, 'id' | 'time' | 'deadline'>, timeoutMs: number, signal: AbortSignal): Promise<ApprovalOutcome> {
    const now = Date.now();
    const approval: Approval = { ...request, id: crypto.randomUUID(), time: now, deadline: now + timeoutMs };
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle('timeout'), timeoutMs);
      timer.unref();
      const onAbort = () => settle('cancelled');
      const settle = (outcome: ApprovalOutcome) => {
        if (!this.pending.delete(approval.id)) return;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
        this.changed.fire(this.list());
      };
      if (signal.aborted) return resolve('cancelled');
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(approval.id, { approval, settle });
      this.added.fire(approval);
      this.changed.fire(this.list());
    });
  }

  /** A person's answer; false when the call no longer waits (answered elsewhere, timed out, cancelled). */
  answer(id: string, answer: ApprovalAnswer): boolean {
    const entry = this.pending.get(id);
    if (!entry) return false;
    entry.settle(answer);
    return true;
  }

  dispose(): void {
    for (const entry of [...this.pending.values()]) entry.settle('cancelled');
    this.changed.dispose();
    this.added.dispose();
  }
}
