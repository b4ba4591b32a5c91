import type { ServerStatus, StatusChange } from '../../../shared/model.ts';
import { diffConfigs, type ConfigDiff } from '../config/diff.ts';
import type { ServerConfig } from '../config/schema.ts';
import { Emitter, type Event } from '../base/event.ts';
import { DisposableStore, type Disposable } from '../base/lifecycle.ts';
import { ManagedServer, type Catalog, type ServerHost } from './managed-server.ts';

/** The servers' catalog changed (a server became ready, went down, or sent list_changed). */
export interface CatalogChange {
  readonly server: string;
  readonly catalog: Catalog;
}

export class ShuttingDownError extends Error {
  constructor() {
    super('Switchboard is shutting down; no new servers start');
    this.name = 'ShuttingDownError';
  }
}

export class UnknownServerError extends Error {
  constructor(readonly server: string) {
    super(`no server named "${server}" in the config`);
    this.name = 'UnknownServerError';
  }
}

/**
 * Owns every configured server. A config is applied as a diff: only added, removed or changed servers
 * start, stop or restart. Shutdown stops them all under one deadline and refuses new starts.
 */
export class Supervisor implements Disposable {
  private readonly servers = new Map<string, { server: ManagedServer; subscriptions: DisposableStore }>();
  private readonly onDidChangeStatusEmitter = new Emitter<StatusChange>();
  readonly onDidChangeStatus: Event<StatusChange> = this.onDidChangeStatusEmitter.event;
  private readonly onDidChangeCatalogEmitter = new Emitter<CatalogChange>();
  readonly onDidChangeCatalog: Event<CatalogChange> = this.onDidChangeCatalogEmitter.event;
  private shuttingDown = false;
  private current: ReadonlyMap<string, ServerConfig> = new Map();

  constructor(private readonly host: ServerHost) {}

  /** Brings the running servers in line with `configs`. Resolves when every stop it caused is done. */
  async apply(configs: ReadonlyMap<string, ServerConfig>): Promise<ConfigDiff> {
    if (this.shuttingDown) throw new ShuttingDownError();
    const diff = diffConfigs(this.current, configs);
    this.current = configs;
    const work: Promise<void>[] = [];
    for (const name of diff.removed) work.push(this.remove(name));
    for (const config of diff.changed) {
      const entry = this.servers.get(config.name);
      if (!entry) continue;
      const before = entry.server.config;
      const reason = before.disabled !== config.disabled ? (config.disabled ? 'disabled' : 'enabled') : 'config-changed';
      work.push(entry.server.reconfigure(config, reason));
    }
    for (const config of diff.added) this.add(config).start('config-added');
    await Promise.all(work);
    return diff;
  }

  private add(config: ServerConfig): ManagedServer {
    const server = new ManagedServer(config, this.host);
    const subscriptions = new DisposableStore();
    subscriptions.add(server.onDidChangeStatus((change) => this.onDidChangeStatusEmitter.fire(change)));
    subscriptions.add(server.onDidChangeCatalog((catalog) => this.onDidChangeCatalogEmitter.fire({ server: server.name, catalog })));
    subscriptions.add(server);
    this.servers.set(config.name, { server, subscriptions });
    return server;
  }

  private async remove(name: string): Promise<void> {
    const entry = this.servers.get(name);
    if (!entry) return;
    this.servers.delete(name);
    await entry.server.stop('config-removed');
    entry.subscriptions.dispose();
  }

  get(name: string): ManagedServer | undefined {
    return this.servers.get(name)?.server;
  }

  list(): ManagedServer[] {
    return [...this.servers.values()].map((entry) => entry.server);
  }

  statuses(): ServerStatus[] {
    return this.list().map((server) => server.status());
  }

  start(name: string): void {
    if (this.shuttingDown) throw new ShuttingDownError();
    this.require(name).start('manual-start');
  }

  async stop(name: string): Promise<void> {
    await this.require(name).stop('manual-stop');
  }

  async restart(name: string): Promise<void> {
    if (this.shuttingDown) throw new ShuttingDownError();
    await this.require(name).restart('manual-restart');
  }

  private require(name: string): ManagedServer {
    const server = this.get(name);
    if (!server) throw new UnknownServerError(name);
    return server;
  }

  /** Stops every server in parallel, all under one deadline; from now on nothing starts. */
  async shutdown(deadlineMs = 5000): Promise<void> {
    this.shuttingDown = true;
    const deadline = Date.now() + deadlineMs;
    await Promise.all(this.list().map((server) => server.stop('shutdown', { deadline })));
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  dispose(): void {
    for (const entry of this.servers.values()) entry.subscriptions.dispose();
    this.servers.clear();
    this.onDidChangeStatusEmitter.dispose();
    this.onDidChangeCatalogEmitter.dispose();
  }
}
