import type { ServerStatus, StateReason, StatusChange } from '../../../shared/model.ts';
import { diffConfigs, type ConfigDiff } from '../config/diff.ts';
import type { ServerConfig } from '../config/schema.ts';
import { Emitter, type Event } from '../base/event.ts';
import { DisposableStore, type Disposable } from '../base/lifecycle.ts';
import { ManagedServer, type Catalog, type ListKind, type ServerHost } from './managed-server.ts';

/** The servers' catalog changed (a server became ready, went down, or sent list_changed). */
export interface CatalogChange {
  readonly server: string;
  readonly catalog: Catalog;
  /** The server said this list changed (list_changed), whether or not it looks different. */
  readonly signalled?: ListKind;
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

/** The copies of one configured server: one, or `replicas` of them (the first is the primary). */
interface ReplicaGroup {
  readonly members: ManagedServer[];
  readonly subscriptions: DisposableStore;
}

/** The name a replica's processes and logs go by: `everything`, `everything#2`, ... */
export function replicaName(server: string, index: number): string {
  return index === 0 ? server : `${server}#${index + 1}`;
}

/**
 * Owns every configured server. A config is applied as a diff: only added, removed or changed servers
 * start, stop or restart. `replicas: N` runs N copies, supervised one by one, reported as one server.
 * Shutdown stops them all under one deadline and refuses new starts.
 */
export class Supervisor implements Disposable {
  private readonly servers = new Map<string, ReplicaGroup>();
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
      const group = this.servers.get(config.name);
      if (!group) continue;
      const before = group.members[0]!.config;
      const reason = before.disabled !== config.disabled ? (config.disabled ? 'disabled' : 'enabled') : 'config-changed';
      if (before.replicas === config.replicas) {
        work.push(...group.members.map((member, index) => member.reconfigure({ ...config, name: replicaName(config.name, index) }, reason)));
      } else {
        work.push(this.remove(config.name).then(() => this.startGroup(this.add(config), reason)));
      }
    }
    for (const config of diff.added) this.startGroup(this.add(config), 'config-added');
    await Promise.all(work);
    return diff;
  }

  private add(config: ServerConfig): ReplicaGroup {
    const subscriptions = new DisposableStore();
    const members = Array.from({ length: config.replicas }, (_, index) => {
      const member = new ManagedServer({ ...config, name: replicaName(config.name, index) }, this.host);
      subscriptions.add(member.onDidChangeStatus((change) => this.onDidChangeStatusEmitter.fire(change)));
      subscriptions.add(member.onDidChangeCatalog((update) => this.onDidChangeCatalogEmitter.fire({ server: config.name, ...update })));
      subscriptions.add(member);
      return member;
    });
    const group = { members, subscriptions };
    this.servers.set(config.name, group);
    return group;
  }

  private startGroup(group: ReplicaGroup, reason: StateReason): void {
    for (const member of group.members) member.start(reason);
  }

  private async remove(name: string): Promise<void> {
    const group = this.servers.get(name);
    if (!group) return;
    this.servers.delete(name);
    await Promise.all(group.members.map((member) => member.stop('config-removed')));
    group.subscriptions.dispose();
  }

  /** The configured server a replica belongs to (`everything#2` → `everything`). */
  groupOf(member: string): string | undefined {
    for (const [name, group] of this.servers) if (group.members.some((m) => m.name === member)) return name;
    return undefined;
  }

  /** The primary of a server (its first replica). */
  get(name: string): ManagedServer | undefined {
    return this.servers.get(name)?.members[0];
  }

  /** Every replica of a server, the primary first. */
  replicas(name: string): readonly ManagedServer[] {
    return this.servers.get(name)?.members ?? [];
  }

  /** One server per configured name: its primary. */
  list(): ManagedServer[] {
    return [...this.servers.values()].map((group) => group.members[0]!);
  }

  /**
   * A server that answers for the group: the primary when it is ready, else the first replica that is,
   * else the primary. Its catalog is the group's.
   */
  representative(name: string): ManagedServer | undefined {
    const members = this.servers.get(name)?.members ?? [];
    return members.find((member) => member.currentState === 'ready') ?? members[0];
  }

  /** One status per server; a server with replicas is ready while any of them is, and says how many are. */
  statuses(): ServerStatus[] {
    return [...this.servers.entries()].map(([name, group]) => {
      const primary = group.members[0]!.status();
      const ready = group.members.filter((member) => member.currentState === 'ready').length;
      if (group.members.length === 1) return primary;
      const representative = this.representative(name)!.status();
      return {
        ...primary,
        state: ready > 0 ? 'ready' : primary.state,
        tools: representative.tools,
        resources: representative.resources,
        prompts: representative.prompts,
        restarts: group.members.reduce((sum, member) => sum + member.status().restarts, 0),
        lastError: primary.lastError ?? group.members.map((member) => member.status().lastError).find((error) => error !== null) ?? null,
        replicas: { ready, total: group.members.length },
        droppedLines: group.members.reduce((sum, member) => sum + (member.status().droppedLines ?? 0), 0),
      };
    });
  }

  start(name: string): void {
    if (this.shuttingDown) throw new ShuttingDownError();
    for (const member of this.require(name)) member.start('manual-start');
  }

  async stop(name: string): Promise<void> {
    await Promise.all(this.require(name).map((member) => member.stop('manual-stop')));
  }

  async restart(name: string): Promise<void> {
    if (this.shuttingDown) throw new ShuttingDownError();
    await Promise.all(this.require(name).map((member) => member.restart('manual-restart')));
  }

  private require(name: string): readonly ManagedServer[] {
    const group = this.servers.get(name);
    if (!group) throw new UnknownServerError(name);
    return group.members;
  }

  /** Stops every server in parallel, all under one deadline; from now on nothing starts. */
  async shutdown(deadlineMs = 5000): Promise<void> {
    this.shuttingDown = true;
    const deadline = Date.now() + deadlineMs;
    await Promise.all([...this.servers.values()].flatMap((group) => group.members.map((member) => member.stop('shutdown', { deadline }))));
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  dispose(): void {
    for (const group of this.servers.values()) group.subscriptions.dispose();
    this.servers.clear();
    this.onDidChangeStatusEmitter.dispose();
    this.onDidChangeCatalogEmitter.dispose();
  }
}
