import { SESSION_PATH, SOCKET_PATH, type CallArgs, type Envelope, type Method, type ResultOf, type SocketServerMessage } from '../../shared/contract.ts';
import { EventListeners } from './listeners.ts';
import type { Bridge, ConnectionState } from './types.ts';

interface Pending {
  resolve(result: Envelope<unknown>): void;
}

/** How long a call waits for the socket to (re)open before it fails with `disconnected`. */
const CONNECT_WAIT_MS = 15_000;

/**
 * The browser's bridge to `switchboard serve`: the contract over a WebSocket on the page's own origin, signed in
 * by the http-only cookie. Reconnects with backoff; a refused upgrade asks `/api/session` whether the UI must sign
 * in again (the token was regenerated).
 */
export class SocketBridge implements Bridge {
  readonly kind = 'websocket' as const;
  private socket: WebSocket | undefined;
  private stateValue: ConnectionState = 'connecting';
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly listeners = new EventListeners();
  private readonly pending = new Map<number, Pending>();
  private readonly waiting: (() => void)[] = [];
  private nextId = 1;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly origin: string = location.origin) {}

  get state(): ConnectionState {
    return this.stateValue;
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => void this.stateListeners.delete(listener);
  }

  on: Bridge['on'] = (event, listener) => this.listeners.on(event, listener);

  invoke<M extends Method>(method: M, ...args: CallArgs<M>): Promise<Envelope<ResultOf<M>>> {
    return new Promise((resolve) => {
      const send = () => {
        const socket = this.socket;
        if (!socket || socket.readyState !== WebSocket.OPEN) {
          resolve({ ok: false, error: { code: 'disconnected', message: 'not connected to Switchboard' } });
          return;
        }
        const id = this.nextId++;
        this.pending.set(id, { resolve: resolve as Pending['resolve'] });
        socket.send(JSON.stringify({ type: 'call', id, method, args: args[0] }));
      };
      if (this.stateValue === 'online') send();
      else this.waitForOpen(send, () => resolve({ ok: false, error: { code: 'disconnected', message: 'not connected to Switchboard' } }));
    });
  }

  /** Signs in with a typed token (the server sets the cookie), then connects. */
  async signIn(token: string): Promise<string | null> {
    const response = await fetch(`${this.origin}${SESSION_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }), credentials: 'same-origin' });
    if (!response.ok) return ((await response.json().catch(() => ({}))) as { error?: string }).error ?? `sign-in failed (${response.status})`;
    this.connect();
    return null;
  }

  /** Checks the cookie, then opens the socket (or reports `signed-out`). */
  async start(): Promise<void> {
    if (!(await this.isSignedIn())) {
      this.setState('signed-out');
      return;
    }
    this.connect();
  }

  /** Re-signs the cookie after the token was regenerated from this window. */
  async refreshCookie(token: string): Promise<void> {
    await fetch(`${this.origin}${SESSION_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }), credentials: 'same-origin' }).catch(() => undefined);
  }

  private async isSignedIn(): Promise<boolean> {
    try {
      const response = await fetch(`${this.origin}${SESSION_PATH}`, { credentials: 'same-origin', cache: 'no-store' });
      return response.ok;
    } catch {
      return true; // The server is down: try the socket and back off like any disconnect.
    }
  }

  private connect(): void {
    clearTimeout(this.timer);
    this.setState(this.attempt === 0 ? 'connecting' : 'offline');
    const url = `${this.origin.replace(/^http/, 'ws')}${SOCKET_PATH}`;
    const socket = new WebSocket(url);
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.attempt = 0;
      this.setState('online');
      for (const run of this.waiting.splice(0)) run();
    };
    socket.onmessage = (event) => {
      let message: SocketServerMessage;
      try {
        message = JSON.parse(String(event.data)) as SocketServerMessage;
      } catch {
        return;
      }
      if (message.type === 'result') {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        pending?.resolve(message.result);
      } else if (message.type === 'event') {
        const { type: _type, ...event } = message;
        this.listeners.dispatch(event);
      }
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      for (const [, pending] of this.pending) pending.resolve({ ok: false, error: { code: 'disconnected', message: 'the connection to Switchboard was lost' } });
      this.pending.clear();
      void this.retry(opened);
    };
  }

  private async retry(wasOpen: boolean): Promise<void> {
    if (!wasOpen && !(await this.isSignedIn())) {
      this.setState('signed-out');
      return;
    }
    this.attempt++;
    this.setState('offline');
    const delay = Math.min(5000, 250 * 2 ** Math.min(this.attempt, 5));
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private waitForOpen(run: () => void, fail: () => void): void {
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      fail();
    }, CONNECT_WAIT_MS);
    this.waiting.push(() => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      run();
    });
  }

  private setState(state: ConnectionState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    for (const listener of [...this.stateListeners]) listener(state);
  }
}
