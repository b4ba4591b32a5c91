import type { JSONRPCMessage, MessageExtraInfo, Transport } from '@modelcontextprotocol/client';
import { TransportDecorator } from '../base/transport-decorator.ts';

/**
 * A 2026-07-28 server must mark every result with `resultType`; some omit it on complete results (the
 * conformance suite's own server does on tools/call). The meaning is clear, so the gateway accepts them as
 * complete (with one warning per server) instead of failing every call that works when a client talks to the
 * server directly.
 */
export class CompleteResults extends TransportDecorator {
  private warned = false;

  constructor(
    inner: Transport,
    private readonly isModern: () => boolean,
    private readonly warn: (message: string) => void,
  ) {
    super(inner);
  }

  protected override received(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    const result = 'result' in message ? (message.result as Record<string, unknown> | undefined) : undefined;
    if (result && typeof result === 'object' && !Array.isArray(result) && result.resultType === undefined && this.isModern()) {
      if (!this.warned) {
        this.warned = true;
        this.warn('sends results without "resultType", which the 2026-07-28 protocol requires; they are taken as complete results');
      }
      this.deliver({ ...message, result: { ...result, resultType: 'complete' } } as JSONRPCMessage, extra);
      return;
    }
    this.deliver(message, extra);
  }
}
