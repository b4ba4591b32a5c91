import { parseArgs } from 'node:util';
import { StreamableHTTPClientTransport, type JSONRPCMessage } from '@modelcontextprotocol/client';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { describeGatewayError, gatewayHeaders, resolveGatewayTarget, type GatewayTarget } from './gateway-target.ts';

/**
 * `switchboard connect`: a stdio MCP server that relays every message to a running Switchboard, for clients
 * that only launch stdio servers (Claude Desktop). Messages pass through untouched, in both directions. If
 * Switchboard is not running yet, it waits for it (and says so on stderr); if Switchboard restarts, the
 * session is re-established by replaying the client's handshake, so the client never notices.
 */
export async function connect(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { url: { type: 'string' }, 'data-dir': { type: 'string' }, 'wait-seconds': { type: 'string', default: '60' }, client: { type: 'string' } },
    strict: true,
  });
  // Resolved again before each connection: a restarted Switchboard may listen on another port.
  // `--client NAME`: the data dir's token acting as that client, read at each connection: rotating the client's own
  // token never breaks a bridge, and its profile applies.
  const bridge = new StdioBridge(() => resolveGatewayTarget(values), Number(values['wait-seconds']) * 1000, values.client);
  return bridge.run();
}

class StdioBridge {
  private readonly stdio = new StdioServerTransport();
  private upstream: StreamableHTTPClientTransport | undefined;
  private connecting: Promise<StreamableHTTPClientTransport> | undefined;
  /** The client's handshake, replayed to open a new session after Switchboard restarts. */
  private initialize: JSONRPCMessage | undefined;
  private initialized: JSONRPCMessage | undefined;
  private protocolVersion: string | undefined;
  private replayingInitializeId: string | number | undefined;
  private closed = false;
  private reopening: Promise<void> | undefined;
  private target: GatewayTarget;
  /** Ids of the client's requests sent to Switchboard and not answered yet. */
  private readonly inFlight = new Set<string | number>();
  private droppedNotifications = 0;

  constructor(
    private readonly resolveTarget: () => GatewayTarget,
    private readonly waitMs: number,
    private readonly client?: string,
  ) {
    this.target = resolveTarget();
  }

  run(): Promise<number> {
    return new Promise((resolve) => {
      this.stdio.onmessage = (message) => void this.fromClient(message);
      this.stdio.onclose = () => {
        if (this.closed) return;
        this.closed = true;
        void this.upstream?.terminateSession().catch(() => undefined).finally(() => resolve(0));
        if (!this.upstream) resolve(0);
      };
      this.stdio.onerror = (error) => this.say(`stdio: ${error.message}`);
      void this.stdio.start();
      process.stdin.on('end', () => this.stdio.onclose?.());
    });
  }

  /**
   * A message of the client, to Switchboard. A request is sent again only when it certainly never reached
   * Switchboard (nothing listened, or it answered "no such session" before doing anything): one that may have
   * been received, when the connection broke, may have run, and running a tool twice is worse than an error.
   */
  private async fromClient(message: JSONRPCMessage): Promise<void> {
    if ('method' in message && message.method === 'initialize') this.initialize = message;
    if ('method' in message && message.method === 'notifications/initialized') this.initialized = message;
    const id = 'method' in message && 'id' in message ? message.id : undefined;
    if (id !== undefined) this.inFlight.add(id);
    try {
      await this.send(message);
    } catch (error) {
      if (!neverReached(error) || !this.initialize || message === this.initialize) {
        this.fail(message, error);
        return;
      }
      try {
        await this.reopen();
        await this.send(message);
      } catch (retryError) {
        this.fail(message, neverReached(retryError) ? retryError : IN_FLIGHT_LOST);
      }
    }
  }

  private async send(message: JSONRPCMessage): Promise<void> {
    // While a session is being reopened, nothing may go out before the replayed handshake.
    if (this.reopening) await this.reopening;
    const upstream = await this.ensureUpstream();
    const id = 'method' in message && 'id' in message ? message.id : undefined;
    // A request answered on a stream of its own: if that stream ends without the answer, Switchboard went away
    // with the request (the SDK would wait for the client's timeout).
    await upstream.send(message, id === undefined ? undefined : { onRequestStreamEnd: () => this.inFlight.has(id) && this.fail(message, IN_FLIGHT_LOST) });
  }

  /** Answers a request of the client with an error, once (a request already answered stays answered). */
  private fail(message: JSONRPCMessage, error: unknown): void {
    const id = 'method' in message && 'id' in message ? message.id : undefined;
    if (id !== undefined && !this.inFlight.delete(id)) return;
    // Switchboard answered (a refused token, a bad request): its answer is the error. Otherwise the connection broke.
    if (neverReached(error) || error === IN_FLIGHT_LOST || answeredOverHttp(error)) return this.answerWithError(message, error);
    this.say(`a request broke off: ${describeCause(error)}`);
    this.answerWithError(message, IN_FLIGHT_LOST);
  }

  /** The HTTP transport to Switchboard, created on first use; waits (bounded) for Switchboard to come up. */
  private ensureUpstream(): Promise<StreamableHTTPClientTransport> {
    if (this.upstream) return Promise.resolve(this.upstream);
    this.connecting ??= this.waitForGateway().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async waitForGateway(): Promise<StreamableHTTPClientTransport> {
    const deadline = Date.now() + this.waitMs;
    let told = false;
    for (;;) {
      this.target = this.resolveTarget();
      // Without --url or SWITCHBOARD_URL, only the data dir's record counts: the app and `serve` always write
      // one, so whatever answers on the default port then is another Switchboard, with another token.
      const where = this.target.source === 'default' ? `(no endpoint recorded in ${this.target.dataDir})` : `at ${this.target.url.origin} (found via ${this.target.source})`;
      if (this.target.source !== 'default' && (await this.reachable())) break;
      if (!told) {
        this.say(`Switchboard is not running ${where}; waiting up to ${Math.round(this.waitMs / 1000)} s for it to start`);
        told = true;
      }
      if (Date.now() > deadline) throw new Error(`MCP Switchboard is not running ${where}: start the app or \`switchboard serve\``);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    if (told) this.say('Switchboard is up');
    const transport = new StreamableHTTPClientTransport(this.target.url, {
      requestInit: { headers: gatewayHeaders(this.target, this.client) },
    });
    transport.onmessage = (message) => this.fromGateway(message);
    transport.onerror = (error) => {
      if (!this.isSessionLost(error) || this.closed || this.upstream !== transport) return;
      // A broken connection took what was in flight on it: those requests are answered now, not resent. (A refused
      // one never got there: the request that met it is sent again by the path that sent it.)
      if (!neverReached(error)) this.failInFlight();
      void this.reopen().catch((reopenError: unknown) => this.say(`cannot reopen the session: ${String(reopenError)}`));
    };
    if (this.protocolVersion) transport.setProtocolVersion(this.protocolVersion);
    await transport.start();
    this.upstream = transport;
    return transport;
  }

  private async reachable(): Promise<boolean> {
    try {
      const response = await fetch(new URL('/health', this.target.url), { signal: AbortSignal.timeout(2000) });
      return response.ok;
    } catch {
      return false;
    }
  }

  private fromGateway(message: JSONRPCMessage): void {
    if (!('method' in message) && 'id' in message && message.id !== undefined && message.id !== null && message.id !== this.replayingInitializeId) this.inFlight.delete(message.id);
    if ('id' in message && message.id === this.replayingInitializeId && 'result' in message) {
      this.replayingInitializeId = undefined; // The client already had its answer the first time.
      return;
    }
    if ('result' in message && this.initialize && 'id' in this.initialize && message.id === this.initialize.id) {
      const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
      if (typeof version === 'string') {
        this.protocolVersion = version;
        this.upstream?.setProtocolVersion(version);
      }
    }
    // A client that does not read its stdin would make this process hold every notification where stdout is
    // asynchronous (on Linux a pipe is written synchronously, and the gateway's own backpressure holds): past the
    // cap, the notifications (never a response) are dropped and counted until it catches up.
    if ('method' in message && !('id' in message) && process.stdout.writableLength > STDOUT_CAP) {
      if (this.droppedNotifications++ % 1000 === 0) this.say(`the client is not reading: dropped ${this.droppedNotifications} notification(s) so far`);
      return;
    }
    void this.stdio.send(message).catch((error: unknown) => this.say(`stdio: ${String(error)}`));
  }

  /** A new session on a fresh transport, opened with the client's own initialize and initialized. */
  private async reopen(): Promise<void> {
    this.reopening ??= this.reopenOnce().finally(() => (this.reopening = undefined));
    return this.reopening;
  }

  private async reopenOnce(): Promise<void> {
    this.say('lost the session (Switchboard restarted?); opening a new session');
    const old = this.upstream;
    this.upstream = undefined;
    if (old) {
      old.onerror = undefined;
      old.onmessage = undefined;
      void old.close().catch(() => undefined);
    }
    const transport = await this.ensureUpstream();
    if (!this.initialize || !('id' in this.initialize)) return;
    const initialize = this.initialize;
    this.replayingInitializeId = initialize.id;
    await transport.send(initialize);
    if (this.initialized) await transport.send(this.initialized);
  }

  /** Every request in flight on a lost session, answered with the sentence that says it was not resent. */
  private failInFlight(): void {
    const ids = [...this.inFlight];
    this.inFlight.clear();
    for (const id of ids) this.answerWithError({ jsonrpc: '2.0', id, method: 'in-flight' }, IN_FLIGHT_LOST);
  }

  /** Switchboard forgot the session (404) or is gone (connection refused): a new session is needed. */
  private isSessionLost(error: unknown): boolean {
    const text = error instanceof Error ? `${error.message} ${JSON.stringify((error as { data?: unknown }).data ?? '')}` : String(error);
    return /\b404\b|Session not found|fetch failed|ECONNREFUSED|ECONNRESET/i.test(text);
  }

  private answerWithError(message: JSONRPCMessage, error: unknown): void {
    const text = error === IN_FLIGHT_LOST ? IN_FLIGHT_LOST.message : describeGatewayError(error, this.target);
    this.say(text);
    if ('method' in message && 'id' in message && message.id !== undefined) {
      void this.stdio.send({ jsonrpc: '2.0', id: message.id, error: { code: -32603, message: text } }).catch(() => undefined);
    }
  }

  private say(line: string): void {
    process.stderr.write(`switchboard connect: ${line}\n`);
  }
}

/** What may wait to be written to the client's stdin before notifications are dropped. */
const STDOUT_CAP = 16 * 1024 * 1024;

/** The answer to a request that was in flight when Switchboard went away. */
const IN_FLIGHT_LOST = new Error(
  'Switchboard stopped while the request was in flight; it may have been carried out, so it was not sent again. Check before repeating it.',
);

/**
 * True when a request certainly never reached Switchboard, so sending it again cannot run anything twice: nothing
 * listened (connection refused), or it answered "no such session" (404) before looking at the request.
 */
function neverReached(error: unknown): boolean {
  for (let cause: unknown = error; cause; cause = (cause as { cause?: unknown }).cause) {
    const code = (cause as { code?: unknown }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOENT') return true;
    const message = cause instanceof Error ? cause.message : String(cause);
    if (/ECONNREFUSED|Session not found|\b404\b/.test(message)) return true;
    const status = (cause as { data?: { status?: unknown } }).data?.status;
    if (status === 404) return true;
  }
  return false;
}

/** The error is Switchboard's HTTP answer (a status it sent), not a broken connection. */
function answeredOverHttp(error: unknown): boolean {
  for (let cause: unknown = error; cause; cause = (cause as { cause?: unknown }).cause) {
    if (typeof (cause as { data?: { status?: unknown } }).data?.status === 'number') return true;
    if (cause instanceof Error && /Error POSTing to endpoint|Unauthorized/.test(cause.message)) return true;
  }
  return false;
}

function describeCause(error: unknown): string {
  const parts: string[] = [];
  for (let cause: unknown = error; cause && parts.length < 4; cause = (cause as { cause?: unknown }).cause) {
    const code = (cause as { code?: unknown }).code;
    parts.push(`${cause instanceof Error ? cause.message : String(cause)}${code ? ` (${String(code)})` : ''}`);
  }
  return parts.join(': ');
}
