import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import type { CatalogView, EventMessage, EventName, Events, FirstRunOffer, FleetRow, FleetView, LogItem } from '../../../shared/contract.ts';
import { ALL, SLOT_MS } from '../telemetry/fleet-stats.ts';
import { ADMIN_CLIENT } from '../../../shared/access.ts';
import { GATEWAY_ENTRY_NAME, readInstalledEntry } from '../clients/index.ts';
import { UnknownClientError } from '../store/clients.ts';
import { viewOf } from '../gateway/scope.ts';
import { CLIENT_IDS, DIALECTS, clientConfigPath, clientTokenFor, exportConfig, TOKEN_PLACEHOLDER, importConfig, installConfig, type ExportOptions, type Launcher, type PlatformContext } from '../clients/index.ts';
import type { HostVariables } from '../supervisor/launch.ts';
import { DisposableStore, type Disposable } from '../base/lifecycle.ts';
import type { Switchboard } from '../switchboard.ts';
import { TerminalSet } from '../terminal/index.ts';
import { recentSessions } from './clients.ts';
import { diagnose } from '../supervisor/doctor.ts';
import { isSecretStore } from '../secrets/secret-store.ts';
import { configView, importServers, maskEntry, planSecretMoves, removeServer, saveServer, setEnabled, validateServer } from './config-edit.ts';
import { ApiFailure, createDispatch, type Dispatch, type Handlers } from './dispatch.ts';
import type { CallHistory } from '../store/history.ts';
import { logItem, queryLogPage, rpcItem } from './log-query.ts';
import { Playground } from './playground.ts';

/** What the API needs from the host that serves it (the `serve` command or the Electron main process). */
export interface ApiHost {
  /** The aggregate MCP endpoint's URL (`http://127.0.0.1:PORT/mcp`). */
  endpoint(): string;
  /** The bearer token clients use. */
  token(): string;
  /** Makes, stores and starts using a new token; returns it. */
  regenerateToken(): string;
  /** The token comes from SWITCHBOARD_TOKEN (it cannot be regenerated from the window). */
  readonly tokenFromEnv: boolean;
  /** How a client runs the `switchboard` command (Claude Desktop's bridge entry). */
  readonly launcher: Launcher;
  /** Where client config files are looked for (tests point it at a temporary home). */
  readonly platform?: Partial<PlatformContext>;
}

/** Where one window's events go (a WebSocket, an Electron webContents). */
export type EventSink = (message: EventMessage) => void;

/** The settings key set once the first-run offer was answered. */
export const FIRST_RUN_KEY = 'ui.firstRunAnswered';
/** Live log lines per batch; a flood beyond it is counted as skipped (the store still has every line). */
const MAX_BATCH = 2000;
const TAIL_FLUSH_MS = 100;

/**
 * The contract, implemented once over the core. Each window (an Electron window, a browser tab) opens its own
 * `ApiSession`: its calls, terminals and playground belong to it and end with it; core events go to all of them.
 */
export class ApiService implements Disposable {
  readonly history: CallHistory;
  private readonly sessions = new Set<ApiSession>();
  private readonly disposables = new DisposableStore();
  private tail: LogItem[] = [];
  private skipped = 0;
  private tailTimer: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private tracesTimer: NodeJS.Timeout | undefined;
  private traceBatches = 0;
  private disposed = false;

  constructor(
    readonly app: Switchboard,
    readonly host: ApiHost,
  ) {
    this.history = app.store.history;
    const statuses = () => this.scheduleStatuses();
    this.disposables.add(app.supervisor.onDidChangeStatus(statuses));
    this.disposables.add(app.supervisor.onDidChangeCatalog(statuses));
    this.disposables.add(app.gateway.pool.onDidChangeBreaker(statuses));
    this.disposables.add(app.gateway.catalog.onDidChange(() => this.broadcast('catalog.changed', {})));
    this.disposables.add(app.config.onDidChange(() => this.broadcast('config.changed', { problems: [] })));
    this.disposables.add(app.config.onDidFail((error) => this.broadcast('config.changed', { problems: [...error.problems] })));
    this.disposables.add(app.store.logs.onDidAppend((entries) => this.queueTail(entries.map(logItem))));
    // New messages and traces come as events from the store's writes: the window needs no poll.
    this.disposables.add(app.store.traces.onDidAppendMessages((messages) => this.queueTail(this.named(messages.map(rpcItem)))));
    this.disposables.add(app.store.traces.onDidAppendSpans(() => this.scheduleTraces()));
    // A call waiting for a person: every window shows it (and an answer in one closes it in the others).
    this.disposables.add(app.access.approvals.onDidChange((approvals) => {
      this.broadcast('approvals.changed', { approvals: [...approvals] });
      // "Always for this client" changes the client's profile.
      this.accessChanged();
    }));
  }

  /** The endpoint's clients changed: the windows refetch them. */
  accessChanged(): void {
    this.broadcast('access.changed', {});
  }

  /** A window connected: its calls go to `dispatch`, core events to `sink`. */
  openSession(sink: EventSink): ApiSession {
    if (this.disposed) throw new Error('the API is shut down');
    const session = new ApiSession(this, sink, () => this.sessions.delete(session));
    this.sessions.add(session);
    return session;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Values of our `${switchboard:...}` variables, as servers get them. */
  variables(): HostVariables {
    const options = this.app.options;
    const env = options.env ?? process.env;
    return { node: options.nodeRuntime ?? { path: process.execPath, env: {} }, resources: options.resourcesDir, dataDir: options.dataDir, home: env.HOME ?? os.homedir() };
  }

  broadcast<E extends EventName>(name: E, payload: Events[E]): void {
    for (const session of this.sessions) session.send({ name, payload } as EventMessage);
  }

  private scheduleStatuses(): void {
    this.statusTimer ??= setTimeout(() => {
      this.statusTimer = undefined;
      if (!this.disposed) this.broadcast('servers.changed', { statuses: this.app.statuses() });
    }, 30);
  }

  private queueTail(items: LogItem[]): void {
    if (this.sessions.size === 0) return;
    this.tail.push(...items);
    if (this.tail.length > MAX_BATCH) {
      this.skipped += this.tail.length - MAX_BATCH;
      this.tail = this.tail.slice(this.tail.length - MAX_BATCH);
    }
    this.tailTimer ??= setTimeout(() => {
      this.tailTimer = undefined;
      const items = this.tail.sort((a, b) => a.time - b.time);
      const skipped = this.skipped;
      this.tail = [];
      this.skipped = 0;
      this.broadcast('logs.appended', { items, skipped });
    }, TAIL_FLUSH_MS);
  }

  /** Traced requests ended: the Traces page refetches (once per burst). */
  private scheduleTraces(): void {
    if (this.sessions.size === 0) return;
    this.tracesTimer ??= setTimeout(() => {
      this.tracesTimer = undefined;
      if (!this.disposed) this.broadcast('traces.appended', { latest: ++this.traceBatches });
    }, TAIL_FLUSH_MS);
  }

  /** Messages of a client session named by its client (open sessions only), not by a bare UUID. */
  named(items: LogItem[]): LogItem[] {
    const sessions = this.app.gateway.sessions;
    return items.map((item) => {
      if (item.kind !== 'rpc' || item.session === null) return item;
      const client = sessions.describe(item.session);
      return client ? { ...item, client } : item;
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const session of [...this.sessions]) session.dispose();
    clearTimeout(this.tracesTimer);
    clearTimeout(this.tailTimer);
    clearTimeout(this.statusTimer);
    this.disposables.dispose();
  }
}

/** One window's connection: the dispatcher of its calls, its playground and its terminals. */
export class ApiSession implements Disposable {
  readonly dispatch: Dispatch;
  readonly playground: Playground;
  readonly terminals: TerminalSet;
  private disposed = false;

  constructor(
    readonly service: ApiService,
    private readonly sink: EventSink,
    private readonly onDispose: () => void,
  ) {
    const app = service.app;
    const env = app.options.env ?? process.env;
    this.playground = new Playground(app, `playground-${crypto.randomUUID().slice(0, 8)}`, service.history, {
      emit: (name, payload) => this.send({ name, payload } as EventMessage),
      historyAppended: (entry) => service.broadcast('history.appended', { entry }),
    });
    this.terminals = new TerminalSet(
      { variables: service.variables(), parentEnv: env, pathValue: env.PATH ?? '' },
      {
        data: (id, data) => this.send({ name: 'terminal.data', payload: { id, data } }),
        exit: (id, exitCode, signal) => this.send({ name: 'terminal.exit', payload: { id, exitCode, signal } }),
      },
    );
    this.dispatch = createDispatch(createHandlers(service, this));
  }

  send(message: EventMessage): void {
    if (this.disposed) return;
    try {
      this.sink(message);
    } catch {
      // A window that went away mid-send: its bridge disposes the session.
    }
  }

  /** The window went: its calls are cancelled, its terminals and playground session closed. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.playground.dispose();
    this.terminals.dispose();
    this.onDispose();
  }
}

/** The contract's methods over the core, for one session. */
export function createHandlers(service: ApiService, session: ApiSession): Handlers {
  const { app, host } = service;
  const store = app.store;
  const supervisor = app.supervisor;
  /** A configured server's replicas; an unknown name is a not-found failure. */
  const replicasOf = (name: string) => {
    const replicas = supervisor.replicas(name);
    if (replicas.length === 0) throw new ApiFailure('not-found', `no server named "${name}" in the config`);
    return replicas;
  };

  const exportFor = (client: (typeof CLIENT_IDS)[number], mode: 'gateway' | 'direct', as: string | undefined, mint: boolean, installed?: Record<string, unknown>) => {
    let options: ExportOptions;
    const notes: string[] = [];
    if (mode === 'gateway') {
      const name = as ?? client;
      const { token, note } = clientTokenFor(store.clients, client, name, mint, installed);
      if (note) notes.push(note);
      if (token !== TOKEN_PLACEHOLDER) service.accessChanged();
      options = { client, mode, endpoint: { url: host.endpoint(), token }, launcher: host.launcher, dataDir: app.options.dataDir, clientName: name, ...(host.tokenFromEnv ? { bridgeToken: host.token() } : {}) };
    } else {
      options = { client, mode, servers: app.config.current.servers.values(), variables: service.variables(), env: app.options.env ?? process.env };
    }
    const result = exportConfig(options);
    return { ...result, warnings: [...notes, ...result.warnings] };
  };

  const withAccessChange = <T>(change: () => T): T => {
    try {
      const result = change();
      service.accessChanged();
      return result;
    } catch (error) {
      if (error instanceof UnknownClientError) throw new ApiFailure('not-found', error.message);
      throw error;
    }
  };

  const firstRunOffer = (): FirstRunOffer => {
    if (store.getSetting(FIRST_RUN_KEY)) return { claudeDesktop: null };
    const file = clientConfigPath('claude-desktop', host.platform);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return { claudeDesktop: null };
    }
    try {
      const { servers } = importConfig(text, file, { ownUrls: [host.endpoint()] });
      const names = Object.keys(servers).filter((name) => !app.config.current.servers.has(name));
      return { claudeDesktop: names.length > 0 ? { file, servers: names } : null };
    } catch {
      return { claudeDesktop: null };
    }
  };

  return {
    'app.info': () => ({ version: app.options.version, endpoint: host.endpoint(), dataDir: app.options.dataDir, configPath: app.config.path, platform: process.platform }),
    health: () => app.health(),

    'servers.list': () => service.app.statuses(),
    'servers.start': ({ name }) => (supervisor.start(name), null),
    'servers.stop': async ({ name }) => (await supervisor.stop(name), null),
    'servers.restart': async ({ name }) => (await supervisor.restart(name), null),
    'servers.ping': async ({ name }) => {
      const replicas = replicasOf(name);
      return Promise.all(
        replicas.map(async (replica) => {
          try {
            return { replica: replica.name, ms: await replica.ping(), error: null };
          } catch (error) {
            return { replica: replica.name, ms: null, error: error instanceof Error ? error.message : String(error) };
          }
        }),
      );
    },
    'servers.setLogLevel': async ({ name, level }) => {
      const ready = replicasOf(name).filter((replica) => replica.currentState === 'ready');
      if (ready.length === 0) throw new ApiFailure('unavailable', `"${name}" is not ready: start it first`);
      try {
        await Promise.all(ready.map((replica) => replica.setLogLevel(level)));
      } catch (error) {
        throw new ApiFailure('failed', error instanceof Error ? error.message : String(error));
      }
      return null;
    },
    'servers.diagnose': async ({ name }) => diagnose(replicasOf(name)[0]!),

    'config.get': () => configView(app.config),
    'config.validateServer': ({ name, entry, replacing }) => ({ problems: validateServer(app.config, name, entry, replacing) }),
    'config.setServer': ({ name, entry, replacing }) => (saveServer(app.config, name, entry, replacing, isSecretStore(app.secrets) ? app.secrets : undefined), null),
    'config.removeServer': ({ name }) => (removeServer(app.config, name), null),
    'config.setEnabled': ({ name, enabled }) => (setEnabled(app.config, name, enabled), null),
    'config.previewImport': ({ text, fileName }) => {
      const result = importConfig(text, fileName, { ownUrls: [host.endpoint()] });
      const conflicts = Object.keys(result.servers).filter((name) => app.config.current.servers.has(name));
      const shown = Object.fromEntries(Object.entries(result.servers).map(([name, entry]) => [name, maskEntry(name, entry).entry]));
      const secrets = Object.entries(result.servers).flatMap(([name, entry]) => planSecretMoves(name, entry).moves.map(([secret]) => secret));
      return { dialect: result.dialect ?? null, servers: result.servers, shown, warnings: result.warnings, conflicts, secrets, secretStore: isSecretStore(app.secrets) ? app.secrets.description : null };
    },
    'config.import': ({ servers, replace, moveSecrets }) => importServers(app.config, servers, replace, moveSecrets && isSecretStore(app.secrets) ? app.secrets : undefined),
    'config.firstRun': () => firstRunOffer(),
    'config.answerFirstRun': ({ accept }) => {
      const offer = firstRunOffer().claudeDesktop;
      store.setSetting(FIRST_RUN_KEY, accept ? 'imported' : 'declined');
      if (!accept || !offer) return { added: [] };
      const { servers } = importConfig(fs.readFileSync(offer.file, 'utf8'), offer.file, { ownUrls: [host.endpoint()] });
      return { added: importServers(app.config, Object.fromEntries(offer.servers.map((name) => [name, servers[name]!])), false).added };
    },

    'catalog.get': () => catalogView(app),
    'catalog.as': ({ client }) => {
      const record = store.clients.get(client);
      if (!record) throw new ApiFailure('not-found', `no client named "${client}"`);
      const view = viewOf(app.gateway.catalog.snapshot, app.access.scopes.of({ client, admin: false, profile: record.profile }));
      return { tools: view.tools.map((tool) => tool.name), prompts: view.prompts.map((prompt) => prompt.name), resources: view.resources.map((resource) => resource.uri) };
    },
    'tools.call': (args) => session.playground.call(args),
    'tools.cancel': ({ callId }) => (session.playground.cancel(callId), null),
    'resources.read': ({ uri }) => session.playground.readResource(uri),
    'prompts.get': ({ name, arguments: args }) => session.playground.getPrompt(name, args),
    'completion.complete': (args) => session.playground.complete(args),
    'resources.subscribe': ({ uri, subscribed }) => session.playground.subscribe(uri, subscribed),
    'dialogs.respond': ({ requestId, response }) => (session.playground.respond(requestId, response), null),

    'history.list': (query) => service.history.list(query),
    'history.get': ({ id }) => {
      const entry = service.history.get(id);
      if (!entry) throw new ApiFailure('not-found', `no call ${id} in the history (it may have been cleared)`);
      return entry;
    },
    'history.clear': () => (service.history.clear(), null),

    'logs.query': ({ filter, before, limit }) => {
      const page = queryLogPage(store, filter, before, limit);
      return { ...page, items: service.named(page.items) };
    },
    'logs.message': ({ id }) => {
      const message = store.traces.getMessage(id);
      if (!message) throw new ApiFailure('not-found', `message ${id} is no longer stored (retention)`);
      return message;
    },

    'traces.query': (query) => {
      // The name shown everywhere else (`everything__get-sum`) finds its calls as the tool's own name does.
      const origin = query.tool === undefined ? undefined : app.gateway.catalog.snapshot.toolOrigins.get(query.tool);
      return store.traces.queryTraces(origin && (query.server === undefined || query.server === origin.server) ? { ...query, server: origin.server, tool: origin.name } : query);
    },
    'traces.get': ({ traceId }) => {
      const trace = store.traces.getTrace(traceId);
      if (trace.spans.length === 0) throw new ApiFailure('not-found', `no trace ${traceId} is stored`);
      // The lines its servers wrote during the call.
      return { ...trace, logs: store.logs.query({ traceId, limit: 500 }) };
    },

    'clients.info': () => ({
      endpoint: host.endpoint(),
      token: host.token(),
      tokenFromEnv: host.tokenFromEnv,
      sessions: recentSessions(store, Date.now(), 'playground-', (session) => app.gateway.sessions.identity(session) !== undefined),
      clients: CLIENT_IDS.map((id) => {
        const file = clientConfigPath(id, host.platform);
        return { id, label: DIALECTS[id].label, file, exists: fs.existsSync(file) };
      }),
    }),
    'clients.export': ({ client, mode, as, mint }) => {
      const result = exportFor(client, mode, as, mint === true);
      return { client, mode, text: `${JSON.stringify(result.config, null, 2)}\n`, warnings: result.warnings, file: clientConfigPath(client, host.platform) };
    },
    'clients.install': ({ client, mode, as }) => {
      // A file that cannot be installed into makes nothing (no client, no new token); a working entry keeps its token.
      const current = mode === 'gateway' ? readInstalledEntry({ client, file: clientConfigPath(client, host.platform), name: GATEWAY_ENTRY_NAME }) : undefined;
      const result = exportFor(client, mode, as, true, current);
      if (Object.keys(result.entries).length === 0) throw new ApiFailure('failed', `nothing to install: no server of the config can be written for ${DIALECTS[client].label}`);
      const installed = installConfig({ client, entries: result.entries, platform: host.platform });
      return { ...installed, backup: installed.backup ?? null };
    },
    'clients.regenerateToken': () => {
      if (host.tokenFromEnv) throw new ApiFailure('failed', 'the token comes from SWITCHBOARD_TOKEN: change it there and restart Switchboard');
      return { token: host.regenerateToken() };
    },

    'access.list': async () => Promise.all(store.clients.list().map(async (client) => ({ ...client, usage: await app.access.limits.usage(client.name, client.profile) }))),
    'access.add': ({ name, profile }) => {
      if (name === ADMIN_CLIENT) throw new ApiFailure('invalid-args', '"admin" is the name of the data dir\'s own token: choose another');
      const made = store.clients.add(name, profile);
      service.accessChanged();
      return made;
    },
    'access.setProfile': ({ name, profile }) => withAccessChange(() => store.clients.setProfile(name, profile)),
    'access.rotate': ({ name }) => withAccessChange(() => store.clients.rotate(name)),
    'access.revoke': ({ name }) => withAccessChange(() => store.clients.revoke(name)),
    'access.remove': ({ name }) => withAccessChange(() => (store.clients.remove(name), null)),
    'approvals.list': () => app.access.approvals.list(),
    'approvals.answer': ({ id, answer }) => ({ answered: app.access.approvals.answer(id, answer) }),
    'audit.query': (query) => store.audit.query(query),
    'metrics.fleet': ({ windowSeconds }) => fleetView(app, windowSeconds),
    'telemetry.otlp': () => app.otlpExport(),
    'telemetry.setOtlp': ({ enabled, endpoint, headers }) => {
      if (enabled && endpoint === '') throw new ApiFailure('invalid-args', 'To export traces, give the collector\'s OTLP/HTTP traces URL (e.g. http://collector:4318/v1/traces).');
      if (app.telemetry.status().source === 'env') throw new ApiFailure('failed', 'Export is set by OTEL_EXPORTER_OTLP_* in the environment Switchboard was started with; change it there.');
      try {
        app.setOtlpExport({ enabled, endpoint, headerNames: app.otlpExport().settings?.headerNames ?? [] }, headers);
      } catch (error) {
        throw new ApiFailure('unavailable', error instanceof Error ? error.message : String(error));
      }
      return app.otlpExport();
    },

    'terminal.open': ({ server, cols, rows }) => {
      const config = server === undefined ? undefined : supervisor.get(server)?.config;
      if (server !== undefined && !config) throw new ApiFailure('not-found', `no server named "${server}" in the config`);
      return session.terminals.open({ server: config, cols, rows });
    },
    'terminal.write': ({ id, data }) => (session.terminals.write(id, data), null),
    'terminal.resize': ({ id, cols, rows }) => (session.terminals.resize(id, cols, rows), null),
    'terminal.close': ({ id }) => (session.terminals.close(id), null),
  };
}

/** The gateway's catalog with each item's server. */
export function catalogView(app: Switchboard): CatalogView {
  // As the gateway does for a list request: a server that just became ready is in it.
  app.gateway.catalog.rebuild();
  const snapshot = app.gateway.catalog.snapshot;
  const serverOfUri = (uri: string) => snapshot.resourceOrigins.get(uri)?.server ?? snapshot.templateOrigins.get(uri)?.server ?? '';
  return {
    tools: snapshot.tools.map((tool) => {
      const origin = snapshot.toolOrigins.get(tool.name);
      return {
        name: tool.name,
        server: origin?.server ?? '',
        originalName: origin?.name ?? tool.name,
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema as Record<string, unknown>,
        outputSchema: tool.outputSchema as Record<string, unknown> | undefined,
        annotations: tool.annotations,
      };
    }),
    prompts: snapshot.prompts.map((prompt) => {
      const origin = snapshot.promptOrigins.get(prompt.name);
      return { name: prompt.name, server: origin?.server ?? '', originalName: origin?.name ?? prompt.name, title: prompt.title, description: prompt.description, arguments: prompt.arguments };
    }),
    resources: snapshot.resources.map((resource) => ({
      uri: resource.uri,
      server: serverOfUri(resource.uri),
      name: resource.name,
      title: resource.title,
      description: resource.description,
      mimeType: resource.mimeType,
    })),
    resourceTemplates: snapshot.resourceTemplates.map((template) => ({
      uriTemplate: template.uriTemplate,
      server: serverOfUri(template.uriTemplate),
      name: template.name,
      title: template.title,
      description: template.description,
      mimeType: template.mimeType,
    })),
  };
}



/** The Metrics page's numbers: every configured server (called or not), the tools called, and the totals. */
function fleetView(app: Switchboard, windowSeconds: number): FleetView {
  const stats = app.metrics.fleet.window(windowSeconds * 1000);
  const empty = (name: string): FleetRow => ({ name, calls: 0, callsPerSecond: 0, errorRate: 0, p50: null, p95: null, series: new Array<number>(stats.slots).fill(0) });
  const row = (name: string, key = name): FleetRow => {
    const found = stats.servers.get(key) ?? stats.tools.get(key);
    return found ? { name, ...found } : empty(name);
  };
  return {
    windowSeconds,
    slotSeconds: SLOT_MS / 1000,
    totals: row('all', ALL),
    servers: app.statuses().map((status) => ({ ...row(status.name), state: status.state, lastError: status.lastError, availability: stats.availability.get(status.name) ?? null })),
    tools: [...stats.tools.keys()]
      .map((key) => {
        const [server, tool] = key.split('\0') as [string, string];
        return { ...row(tool, key), server };
      })
      .sort((a, b) => b.calls - a.calls),
  };
}
