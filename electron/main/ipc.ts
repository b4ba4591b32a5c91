import type { Envelope, EventMessage } from '../../shared/contract.ts';
import type { Dispatch } from '../core/api/index.ts';

/**
 * The listener for `ipcMain.handle(INVOKE_CHANNEL, …)`: refuses senders that are not our window's own frame,
 * and hands the rest to the window's session, which checks the method and its arguments and answers with an
 * envelope. It never rejects.
 */
export function createInvokeListener<E>(isTrustedSender: (event: E) => boolean, dispatchFor: (event: E) => Dispatch | undefined) {
  return async (event: E, method: unknown, args: unknown): Promise<Envelope<unknown>> => {
    if (!isTrustedSender(event)) return { ok: false, error: { code: 'forbidden', message: 'calls are accepted only from the Switchboard window' } };
    const dispatch = dispatchFor(event);
    if (!dispatch) return { ok: false, error: { code: 'unavailable', message: 'the window is closing' } };
    return dispatch(method, args);
  };
}

/**
 * Events for one window, held until its page says it listens (READY_CHANNEL), then sent in order. A page that
 * reloads is not ready again until it says so. Bounded: past `limit`, the oldest queued events are dropped.
 */
export class EventQueue {
  private queued: EventMessage[] = [];
  private isReady = false;
  private droppedCount = 0;

  constructor(
    private readonly send: (message: EventMessage) => void,
    private readonly limit = 10_000,
  ) {}

  push(message: EventMessage): void {
    if (this.isReady) {
      this.send(message);
      return;
    }
    this.queued.push(message);
    if (this.queued.length > this.limit) {
      this.queued.shift();
      this.droppedCount++;
    }
  }

  /** The page listens: everything queued goes now. */
  ready(): void {
    this.isReady = true;
    for (const message of this.queued.splice(0)) this.send(message);
  }

  /** The page is loading again: hold events until it listens. */
  unready(): void {
    this.isReady = false;
  }

  get size(): number {
    return this.queued.length;
  }

  get dropped(): number {
    return this.droppedCount;
  }
}
