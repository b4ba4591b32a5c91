import { isDeepStrictEqual } from 'node:util';
import { ProtocolError, ProtocolErrorCode, type LoggingLevel, type Server } from '@modelcontextprotocol/server';
import type { Supervisor } from '../supervisor/supervisor.ts';
import type { CatalogDelta } from './catalog.ts';
import type { Identity } from './pipeline/context.ts';
import { viewOf, type Scope } from './scope.ts';

const LOG_LEVEL_ORDER: readonly LoggingLevel[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

/** One legacy session (the 2026-07-28 era has none), for notifications that are not an answer to anything. */
interface Session {
  readonly server: Server;
  readonly identity: Identity;
  /** What its client may see: it hears only of changes to that, and of nothing else. */
  readonly scope: Scope | undefined;
  logLevel?: LoggingLevel;
  readonly subscriptions: Set<string>;
}

/** The 2026-07-28 leg's notifier: its `subscriptions/listen` streams. */
export interface ModernNotifier {
  toolsChanged(): void;
  promptsChanged(): void;
  resourcesChanged(): void;
  resourceUpdated(uri: string): void;
}

/**
 * The downstream side of notifications: the legacy sessions (their log levels and resource subscriptions) and
 * the 2026-07-28 listen streams. Changes of the catalog, upstream log messages and resource updates fan out
 * from here; resource subscriptions are held upstream once, however many sessions share them.
 */
export class DownstreamSessions {
  private readonly sessions = new Map<string, Session>();
  /** `server\0uri` → legacy sessions subscribed to it. */
  private readonly subscribers = new Map<string, Set<string>>();
  private modern: ModernNotifier | undefined;
  private blocked: (sessionId: string) => boolean = () => false;
  /** Notifications not sent to a session whose client was not reading its stream. */
  droppedNotifications = 0;
  /** `server\0uri` → the listen stream holding a subscription on a 2026-07-28 upstream (it has no resources/subscribe). */
  private readonly listens = new Map<string, { close(): Promise<void> }>();

  constructor(
    private readonly supervisor: Supervisor,
    /** The URI a client sees for a server's resource URI. */
    private readonly exposeUri: (server: string, uri: string) => string,
    private readonly scopes: (identity: Identity) => Scope | undefined = () => undefined,
  ) {}

  setModernNotifier(notifier: ModernNotifier): void {
    this.modern = notifier;
  }

  /** Tells which sessions cannot take more right now (their client does not read its stream). */
  setBackpressure(blocked: (sessionId: string) => boolean): void {
    this.blocked = blocked;
  }

  open(id: string, server: Server, identity: Identity): void {
    this.sessions.set(id, { server, identity, scope: this.scopes(identity), subscriptions: new Set() });
  }

  /** The client's profile changed: what the session hears follows it. */
  setIdentity(id: string, identity: Identity): void {
    const session = this.sessions.get(id);
    if (session) this.sessions.set(id, { ...session, identity, scope: this.scopes(identity) });
  }

  /** How to name a legacy session's client for a person: its own name (clientInfo), and as which Switchboard client. */
  describe(id: string): string | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    const own = session.server.getClientVersion()?.name;
    const as = session.identity.admin ? undefined : session.identity.client;
    return own && as && own !== as ? `${own} (as ${as})` : (own ?? as);
  }

  /** The client of a legacy session. */
  identity(id: string): Identity | undefined {
    return this.sessions.get(id)?.identity;
  }

  /** A legacy session ended: its subscriptions go (and the upstream ones nobody else needs). */
  close(id: string): void {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    for (const key of session.subscriptions) void this.drop(id, key);
    if (session.logLevel) void this.applyLogLevel();
  }

  /** Open sessions by client. */
  byClient(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const session of this.sessions.values()) counts.set(session.identity.client, (counts.get(session.identity.client) ?? 0) + 1);
    return counts;
  }

  get count(): number {
    return this.sessions.size;
  }

  server(id: string | undefined): Server | undefined {
    return id === undefined ? undefined : this.sessions.get(id)?.server;
  }

  async subscribe(sessionId: string | undefined, server: string, uri: string): Promise<void> {
    const session = sessionId === undefined ? undefined : this.sessions.get(sessionId);
    if (!sessionId || !session) throw new ProtocolError(ProtocolErrorCode.InvalidRequest, 'resources/subscribe needs a session (a 2025-era client)');
    const key = subscriptionKey(server, uri);
    const subscribers = this.subscribers.get(key) ?? new Set<string>();
    const first = subscribers.size === 0;
    subscribers.add(sessionId);
    session.subscriptions.add(key);
    this.subscribers.set(key, subscribers);
    if (!first) return;
    const client = this.supervisor.representative(server)?.clientFor('legacy');
    if (!client) throw new ProtocolError(ProtocolErrorCode.InternalError, `Server "${server}" is not available`);
    if (client.getProtocolEra() === 'modern') this.listens.set(key, await client.listen({ resourceSubscriptions: [uri] }));
    else await client.subscribeResource({ uri });
  }

  async unsubscribe(sessionId: string | undefined, server: string, uri: string): Promise<void> {
    if (sessionId !== undefined) await this.drop(sessionId, subscriptionKey(server, uri));
  }

  async setLogLevel(sessionId: string | undefined, level: LoggingLevel): Promise<void> {
    const session = sessionId === undefined ? undefined : this.sessions.get(sessionId);
    if (session) session.logLevel = level;
    await this.applyLogLevel(level);
  }

  /**
   * One coalesced change of the catalog: every downstream session hears it, once per kind; a session whose client
   * sees part of the catalog only when its part changed (decided once per scope, not per session).
   */
  announce(delta: CatalogDelta): void {
    const scoped = new Map<Scope, CatalogDelta>();
    for (const session of this.sessions.values()) {
      let seen = delta;
      if (session.scope) {
        const scope = session.scope;
        seen = scoped.get(scope) ?? scoped.set(scope, scopedDelta(delta, scope)).get(scope)!;
      }
      if (seen.tools) void session.server.sendToolListChanged().catch(() => undefined);
      if (seen.prompts) void session.server.sendPromptListChanged().catch(() => undefined);
      if (seen.resources) void session.server.sendResourceListChanged().catch(() => undefined);
    }
    if (delta.tools) this.modern?.toolsChanged();
    if (delta.prompts) this.modern?.promptsChanged();
    if (delta.resources) this.modern?.resourcesChanged();
  }

  /** An upstream's log message, to every session that asked for logs, tagged with its server. */
  forwardLog(server: string, params: { level: LoggingLevel; logger?: string; data?: unknown }): void {
    const logger = params.logger ? `${server}/${params.logger}` : server;
    for (const [id, session] of this.sessions) {
      if (session.scope && !session.scope.seesServer(server)) continue;
      if (session.logLevel && LOG_LEVEL_ORDER.indexOf(params.level) >= LOG_LEVEL_ORDER.indexOf(session.logLevel)) {
        if (this.blocked(id)) this.droppedNotifications++;
        else void session.server.sendLoggingMessage({ level: params.level, logger, data: params.data }).catch(() => undefined);
      }
    }
  }

  resourceUpdated(server: string, uri: string): void {
    const exposed = this.exposeUri(server, uri);
    for (const sessionId of this.subscribers.get(subscriptionKey(server, uri)) ?? []) {
      if (this.blocked(sessionId)) this.droppedNotifications++;
      else void this.sessions.get(sessionId)?.server.sendResourceUpdated({ uri: exposed }).catch(() => undefined);
    }
    this.modern?.resourceUpdated(exposed);
  }

  private async drop(sessionId: string, key: string): Promise<void> {
    this.sessions.get(sessionId)?.subscriptions.delete(key);
    const subscribers = this.subscribers.get(key);
    if (!subscribers?.delete(sessionId) || subscribers.size > 0) return;
    this.subscribers.delete(key);
    const listen = this.listens.get(key);
    if (listen) {
      this.listens.delete(key);
      await listen.close().catch(() => undefined);
      return;
    }
    const [server, uri] = key.split('\0') as [string, string];
    await this.supervisor.representative(server)?.clientFor('legacy')?.unsubscribeResource({ uri }).catch(() => undefined);
  }

  /** Upstreams log at the most verbose level any session asked for; each session gets its own level and above. */
  private async applyLogLevel(requested?: LoggingLevel): Promise<void> {
    const levels = [...this.sessions.values()].map((s) => s.logLevel).filter((l): l is LoggingLevel => l !== undefined);
    if (requested) levels.push(requested);
    if (levels.length === 0) return;
    const level = levels.sort((a, b) => LOG_LEVEL_ORDER.indexOf(a) - LOG_LEVEL_ORDER.indexOf(b))[0]!;
    await Promise.all(
      this.supervisor
        .list()
        .flatMap((primary) => this.supervisor.replicas(primary.name))
        .map((server) => server.clientFor('legacy'))
        .filter((client) => client?.getServerCapabilities()?.logging && client.getProtocolEra() !== 'modern')
        .map((client) => client!.setLoggingLevel(level).catch(() => undefined)),
    );
  }

  dispose(): void {
    for (const listen of this.listens.values()) void listen.close().catch(() => undefined);
    this.listens.clear();
    this.sessions.clear();
    this.subscribers.clear();
  }
}

/** The part of a change one scope sees: a list changed for it only if its view of the list did. */
function scopedDelta(delta: CatalogDelta, scope: Scope): CatalogDelta {
  if (!delta.previous) return delta;
  const before = viewOf(delta.previous, scope);
  const after = viewOf(delta.next, scope);
  return {
    ...delta,
    tools: delta.tools && !isDeepStrictEqual(before.tools, after.tools),
    prompts: delta.prompts && !isDeepStrictEqual(before.prompts, after.prompts),
    resources: delta.resources && !(isDeepStrictEqual(before.resources, after.resources) && isDeepStrictEqual(before.resourceTemplates, after.resourceTemplates)),
  };
}

function subscriptionKey(server: string, uri: string): string {
  return `${server}\0${uri}`;
}
