import crypto from 'node:crypto';
import { Client, InMemoryTransport, ProtocolError, ProtocolErrorCode, type JSONRPCMessage, type MessageExtraInfo, type Transport, type TransportSendOptions } from '@modelcontextprotocol/client';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/client/validators/ajv';
import type { Server } from '@modelcontextprotocol/server';
import type { CallStatus, DialogRequest, ElicitationParams, Events, HistorySummary, JsonObject, PromptRendered, ResourceContents, StructuredCheck, ToolCallOutcome, ToolResult } from '../../../shared/contract.ts';
import type { Disposable } from '../base/lifecycle.ts';
import { RecordingTransport } from '../gateway/tracing.ts';
import { ADMIN_IDENTITY, type Identity } from '../gateway/pipeline/context.ts';
import type { Switchboard } from '../switchboard.ts';
import { ApiFailure } from './dispatch.ts';
import type { CallHistory } from '../store/history.ts';

/** The `_meta` key that names a playground call on its way out; removed before the message leaves. */
const CALL_TAG = 'switchboard/playground-call';
const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** What a cancelled call says, in the result and the history. */
const CANCELLED = 'You cancelled the call; the server was told to stop.';

export interface PlaygroundEvents {
  emit<E extends 'tools.progress' | 'dialogs.request' | 'dialogs.closed' | 'resources.updated'>(event: E, payload: Events[E]): void;
  historyAppended(entry: HistorySummary): void;
}

interface Connection {
  readonly client: Client;
  readonly server: Server;
  /** callId → the JSON-RPC id its request went out with (the root span's rpcId). */
  readonly requestIds: Map<string, string>;
}

interface PendingDialog {
  readonly kind: DialogRequest['kind'];
  resolve(response: Record<string, unknown>): void;
  reject(error: Error): void;
}

/**
 * The playground of one window: an MCP client connected in memory to a session of the gateway, so that its
 * calls are routed, traced and recorded exactly like an external client's. It declares elicitation and sampling;
 * servers' requests of that kind become dialogs in the window that made the call.
 */
export class Playground implements Disposable {
  /** One connection for the admin (key ''), and one for each client the person acts as. */
  private readonly connections = new Map<string, Promise<Connection>>();
  private readonly calls = new Map<string, { controller: AbortController; server: string | null }>();
  private readonly dialogs = new Map<string, PendingDialog>();
  private readonly validator = new AjvJsonSchemaValidator();
  private disposed = false;

  constructor(
    private readonly app: Switchboard,
    /** The gateway session id of this playground (`playground-...`); traces and messages carry it. */
    readonly sessionId: string,
    private readonly history: CallHistory,
    private readonly events: PlaygroundEvents,
  ) {}

  async call(args: { callId: string; name: string; arguments: JsonObject; timeoutMs?: number; as?: string }): Promise<ToolCallOutcome> {
    if (this.calls.has(args.callId)) throw new ApiFailure('invalid-args', `a call named ${args.callId} is already running`);
    let origin = this.app.gateway.catalog.snapshot.toolOrigins.get(args.name);
    const controller = new AbortController();
    this.calls.set(args.callId, { controller, server: origin?.server ?? null });
    const startedAt = Date.now();
    const started = performance.now();
    let result: ToolResult | null = null;
    let error: string | null = null;
    let status: CallStatus;
    let connection: Connection | undefined;
    try {
      connection = await this.connect(args.as);
      result = (await connection.client.request(
        { method: 'tools/call', params: { name: args.name, arguments: args.arguments, _meta: { [CALL_TAG]: args.callId } } },
        {
          signal: controller.signal,
          timeout: args.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          resetTimeoutOnProgress: true,
          onprogress: (progress) => this.events.emit('tools.progress', { callId: args.callId, progress: progress.progress, total: progress.total, message: progress.message }),
        },
      )) as ToolResult;
      status = result.isError ? 'tool-error' : 'ok';
    } catch (caught) {
      status = controller.signal.aborted ? 'cancelled' : 'error';
      error = controller.signal.aborted ? CANCELLED : errorText(caught);
    } finally {
      this.calls.delete(args.callId);
    }
    const durationMs = performance.now() - started;
    // The gateway rebuilds its catalog before routing a call: a tool of a server that just became ready is there now.
    origin ??= this.app.gateway.catalog.snapshot.toolOrigins.get(args.name);
    const rpcId = connection?.requestIds.get(args.callId);
    connection?.requestIds.delete(args.callId);
    const traceId = rpcId === undefined ? null : this.findTrace(rpcId, args.as);
    const structuredCheck = result && origin?.tool.outputSchema ? this.checkStructured(result, origin.tool.outputSchema) : null;
    const entry = this.history.add({
      time: startedAt,
      source: 'playground',
      tool: args.name,
      server: origin?.server ?? null,
      arguments: args.arguments,
      status,
      durationMs,
      error,
      result,
      traceId,
    });
    this.events.historyAppended(entry);
    // What the window shows has every secret value hidden, as what is kept does.
    const shown = this.hide({ result, error });
    return { historyId: entry.id, tool: args.name, server: origin?.server ?? null, startedAt, durationMs, status, result: shown.result, error: shown.error, structuredCheck, traceId };
  }

  /** A value for the window with every known secret value hidden (it travels as JSON anyway). */
  private hide<T>(value: T): T {
    const text = JSON.stringify(value);
    const hidden = this.app.redactor.redact(text);
    return hidden === text ? value : (JSON.parse(hidden) as T);
  }

  /** Cancels a running call (the server gets notifications/cancelled through the gateway). */
  cancel(callId: string): void {
    this.calls.get(callId)?.controller.abort(new Error('cancelled in the playground'));
  }

  async readResource(uri: string): Promise<{ contents: ResourceContents[] }> {
    const { client } = await this.connect();
    const result = await client.readResource({ uri });
    return this.hide({ contents: result.contents as ResourceContents[] });
  }

  async getPrompt(name: string, args: Record<string, string>): Promise<PromptRendered> {
    const { client } = await this.connect();
    const result = await client.getPrompt({ name, arguments: args });
    return this.hide({ description: result.description, messages: result.messages as PromptRendered['messages'] });
  }

  /** Live updates of `uri` (resources/subscribe through the gateway), or no more. */
  async subscribe(uri: string, subscribed: boolean): Promise<null> {
    const { client } = await this.connect();
    if (subscribed) await client.subscribeResource({ uri });
    else await client.unsubscribeResource({ uri });
    return null;
  }

  /** The server's suggestions for an argument as typed so far; none from a server that offers no completion. */
  async complete(args: { ref: { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string }; argument: { name: string; value: string }; context?: Record<string, string> }): Promise<{ values: string[]; hasMore: boolean }> {
    const { client } = await this.connect();
    const result = await client.complete({ ref: args.ref, argument: args.argument, ...(args.context ? { context: { arguments: args.context } } : {}) });
    return this.hide({ values: result.completion.values.slice(0, 100), hasMore: result.completion.hasMore === true });
  }

  /** The person's answer to a dialog. */
  respond(requestId: string, response: Record<string, unknown>): void {
    const dialog = this.dialogs.get(requestId);
    if (!dialog) throw new ApiFailure('not-found', 'that request is no longer waiting for an answer (it was cancelled or timed out)');
    this.dialogs.delete(requestId);
    if (dialog.kind === 'sampling' && response.action === 'reject') {
      dialog.reject(new ProtocolError(ProtocolErrorCode.InvalidRequest, 'the person declined the sampling request'));
    } else {
      dialog.resolve(response);
    }
  }

  private checkStructured(result: ToolResult, schema: Record<string, unknown>): StructuredCheck | null {
    if (result.isError) return null;
    if (result.structuredContent === undefined) return { valid: false, message: 'the tool declares an output schema but returned no structuredContent' };
    try {
      const outcome = this.validator.getValidator(schema as never)(result.structuredContent);
      return outcome.valid ? { valid: true } : { valid: false, message: outcome.errorMessage ?? 'does not match the output schema' };
    } catch (error) {
      return { valid: false, message: `the output schema cannot be used: ${errorText(error)}` };
    }
  }

  private findTrace(rpcId: string, as?: string): string | null {
    const spans = this.app.store.traces.queryTraces({ session: this.sessionOf(as), limit: 50 });
    return spans.findLast((span) => span.rpcId === rpcId)?.traceId ?? null;
  }

  /** The playground's session as the admin, or as a client (its own session, so its view is that client's). */
  private sessionOf(as: string | undefined): string {
    return as === undefined ? this.sessionId : `${this.sessionId}-as-${as}`;
  }

  private connect(as?: string): Promise<Connection> {
    if (this.disposed) return Promise.reject(new ApiFailure('unavailable', 'the window closed'));
    const key = as ?? '';
    let connection = this.connections.get(key);
    if (!connection) {
      connection = this.open(as).catch((error: unknown) => {
        this.connections.delete(key);
        throw error;
      });
      this.connections.set(key, connection);
    }
    return connection;
  }

  /** Who the playground's calls are from: the admin, or the client it acts as, with its profile as it is now. */
  private identityOf(as: string | undefined): Identity {
    if (as === undefined) return ADMIN_IDENTITY;
    const owner = this.app.store.clients.ownerByName(as);
    if (owner.kind === 'unknown') throw new ApiFailure('not-found', `no client named "${as}"`);
    if (owner.kind === 'revoked') throw new ApiFailure('failed', `the client "${as}" was revoked: rotate its token to use it again`);
    return { client: owner.client.name, admin: false, profile: owner.client.profile };
  }

  private async open(as: string | undefined): Promise<Connection> {
    const sessionId = this.sessionOf(as);
    const identity = () => this.identityOf(as);
    identity();
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    serverSide.sessionId = sessionId;
    const store = this.app.store;
    const server = this.app.gateway.createServer('legacy', identity);
    await server.connect(new RecordingTransport(serverSide, { hop: 'client', session: sessionId, server: null }, (message) => store.traces.recordMessage(message)));
    this.app.gateway.openSession(sessionId, server, identity());
    const client = new Client({ name: 'switchboard-playground', version: this.app.options.version }, { capabilities: { elicitation: { form: {}, url: {} }, sampling: {} } });
    client.setRequestHandler('elicitation/create', (request, ctx) => this.ask('elicitation', request.params as ElicitationParams, ctx.mcpReq.signal) as never);
    client.setNotificationHandler('notifications/resources/updated', (notification) => this.events.emit('resources.updated', { uri: notification.params.uri, time: Date.now() }));
    client.setRequestHandler('sampling/createMessage', (request, ctx) => this.ask('sampling', request.params as JsonObject, ctx.mcpReq.signal) as never);
    const requestIds = new Map<string, string>();
    await client.connect(new CallTaggingTransport(clientSide, (callId, id) => requestIds.set(callId, id)));
    return { client, server, requestIds };
  }

  /** Shows a server's request as a dialog in the window; resolves with the person's answer. */
  private ask(kind: DialogRequest['kind'], params: ElicitationParams | JsonObject, signal: AbortSignal): Promise<Record<string, unknown>> {
    const requestId = crypto.randomUUID();
    const server = [...this.calls.values()].at(-1)?.server ?? null;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (!this.dialogs.delete(requestId)) return;
        this.events.emit('dialogs.closed', { requestId });
        reject(new Error('the request was cancelled'));
      };
      this.dialogs.set(requestId, {
        kind,
        resolve: (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        reject: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      });
      signal.addEventListener('abort', onAbort, { once: true });
      const request = kind === 'elicitation' ? { requestId, kind, server, params: params as ElicitationParams } : { requestId, kind, server, params: params as JsonObject };
      this.events.emit('dialogs.request', request);
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const { controller } of this.calls.values()) controller.abort(new Error('the window closed'));
    for (const [requestId, dialog] of this.dialogs) {
      dialog.reject(new Error('the window closed'));
      this.dialogs.delete(requestId);
    }
    for (const [key, connection] of this.connections) {
      void connection
        .then(async ({ client }) => {
          this.app.gateway.closeSession(this.sessionOf(key === '' ? undefined : key));
          await client.close();
        })
        .catch(() => undefined);
    }
    this.connections.clear();
  }
}

/**
 * Passes messages through, except that a request tagged with a call id in `_meta` goes out without the tag, and
 * the tag is reported with the request's JSON-RPC id (so the call's trace can be found by it).
 */
class CallTaggingTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  constructor(
    private readonly inner: Transport,
    private readonly onTagged: (callId: string, id: string) => void,
  ) {
    inner.onclose = () => this.onclose?.();
    inner.onerror = (error) => this.onerror?.(error);
    inner.onmessage = (message, extra) => this.onmessage?.(message, extra);
  }

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  setProtocolVersion(version: string): void {
    this.inner.setProtocolVersion?.(version);
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (!('method' in message) || !('id' in message) || message.id === undefined) return this.inner.send(message, options);
    const meta = message.params?._meta as Record<string, unknown> | undefined;
    const tag = meta?.[CALL_TAG];
    if (typeof tag !== 'string') return this.inner.send(message, options);
    this.onTagged(tag, String(message.id));
    const { [CALL_TAG]: _tag, ...rest } = meta!;
    return this.inner.send({ ...message, params: { ...message.params, _meta: rest } } as JSONRPCMessage, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
