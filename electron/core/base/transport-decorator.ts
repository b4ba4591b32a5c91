import type { JSONRPCMessage, MessageExtraInfo, Transport, TransportSendOptions } from '@modelcontextprotocol/server';

/** A message a transport could not hand to the other side at all: it never left, so it cannot have run. */
export class NotSentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotSentError';
  }
}

/**
 * A transport that wraps another and forwards every member of the SDK's `Transport` (including the optional
 * ones the SDK probes for, such as `hasPerRequestStream`, which it needs to cancel 2026-07-28 calls), so a
 * decorator changes nothing it does not mean to. Subclasses see messages through `received` and `sending`.
 */
export abstract class TransportDecorator implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  constructor(protected readonly inner: Transport) {
    // Handlers already on the inner transport (its owner's) keep working; ours run after them.
    const ownerClose = inner.onclose;
    const ownerError = inner.onerror;
    inner.onclose = () => {
      ownerClose?.();
      this.onclose?.();
    };
    inner.onerror = (error) => {
      ownerError?.(error);
      this.onerror?.(error);
    };
    inner.onmessage = (message, extra) => this.received(message, extra);
  }

  /** A message from the other side; deliver it with `deliver`. */
  protected received(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    this.deliver(message, extra);
  }

  protected deliver(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    this.onmessage?.(message, extra);
  }

  /** A message on its way out, just before the inner transport sends it. */
  protected sending(_message: JSONRPCMessage): void {}

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  get hasPerRequestStream(): boolean | undefined {
    return this.inner.hasPerRequestStream;
  }

  get setProtocolVersion(): ((version: string) => void) | undefined {
    const inner = this.inner;
    return inner.setProtocolVersion ? (version) => inner.setProtocolVersion!(version) : undefined;
  }

  get setSupportedProtocolVersions(): ((versions: string[]) => void) | undefined {
    const inner = this.inner;
    return inner.setSupportedProtocolVersions ? (versions) => inner.setSupportedProtocolVersions!(versions) : undefined;
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    this.sending(message);
    return this.inner.send(message, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * Delivers an upstream's messages so that each notification is handled before the message after it. The SDK
 * runs a notification's handler a microtask later but a response at once, so a server's last progress sent just
 * before its result (in the same read from the pipe) reached the gateway after the call had ended, and was lost.
 */
export class NotificationsFirst extends TransportDecorator {
  private queue: { message: JSONRPCMessage; extra?: MessageExtraInfo }[] | undefined;

  protected override received(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    if (this.queue) {
      this.queue.push({ message, extra });
      return;
    }
    this.deliver(message, extra);
    if (!('method' in message) || 'id' in message) return;
    // A notification was just handed over: what comes next waits until its handler has run.
    this.queue = [];
    queueMicrotask(() => this.drain());
  }

  private drain(): void {
    const queue = this.queue ?? [];
    this.queue = undefined;
    while (queue.length > 0) {
      const { message, extra } = queue.shift()!;
      this.deliver(message, extra);
      if ('method' in message && !('id' in message)) {
        this.queue = queue;
        queueMicrotask(() => this.drain());
        return;
      }
    }
  }
}

/** Tells `heard` whenever the other side sends anything: a sign of life for health checks. */
export class Heartbeat extends TransportDecorator {
  constructor(
    inner: Transport,
    private readonly heard: () => void,
  ) {
    super(inner);
  }

  protected override received(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    this.heard();
    this.deliver(message, extra);
  }
}
