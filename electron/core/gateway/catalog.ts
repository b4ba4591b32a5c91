import { isDeepStrictEqual } from 'node:util';
import type { Prompt, Resource, ResourceTemplateType, Tool } from '@modelcontextprotocol/client';
import { nameItems, originKey, serverAliases } from '../../../shared/tool-names.ts';
import { Emitter, type Event } from '../base/event.ts';
import { DisposableStore, type Disposable } from '../base/lifecycle.ts';
import type { ServerConfig } from '../config/schema.ts';
import { isToolAllowed } from '../config/tool-filter.ts';
import { EMPTY_CATALOG, type Catalog, type ListKind } from '../supervisor/managed-server.ts';
import type { Supervisor } from '../supervisor/supervisor.ts';

/** The scheme of the URIs the gateway exposes for colliding upstream resources: `sb://<alias>/<original uri>`. */
export const RESOURCE_SCHEME = 'sb:';

/** Where an exposed tool, prompt or resource really lives. */
export interface Origin {
  readonly server: string;
  readonly name: string;
}

/** Where an exposed resource URI (or template) really lives. */
export interface UriOrigin {
  readonly server: string;
  /** The URI (or URI template) as the server lists it. */
  readonly uri: string;
}

/** One consistent view of everything every ready server offers, under the names the gateway exposes. */
export interface CatalogSnapshot {
  readonly tools: readonly Tool[];
  readonly prompts: readonly Prompt[];
  readonly resources: readonly Resource[];
  readonly resourceTemplates: readonly ResourceTemplateType[];
  /** Exposed tool name → origin. */
  readonly toolOrigins: ReadonlyMap<string, Origin & { readonly tool: Tool }>;
  readonly promptOrigins: ReadonlyMap<string, Origin>;
  /** Exposed resource URI → origin; exposed URI template → origin. */
  readonly resourceOrigins: ReadonlyMap<string, UriOrigin>;
  readonly templateOrigins: ReadonlyMap<string, UriOrigin>;
  /**
   * Names and URIs of servers that are configured but not ready now, as they were exposed when they last were:
   * a request for one of them is told the server's state instead of "unknown".
   */
  readonly offline: ReadonlyMap<string, string>;
  /** Offline tool names → the tool's own name on its server (to point at another server with the same tool). */
  readonly offlineTools: ReadonlyMap<string, string>;
  /** Server name → its alias (in prefixed names and in `sb://alias/...` URIs), and back. */
  readonly aliases: ReadonlyMap<string, string>;
  readonly serversByAlias: ReadonlyMap<string, string>;
  /** Listed resource URI → the servers listing it (more than one: a collision, resolved by rewriting). */
  readonly uriListers: ReadonlyMap<string, readonly string[]>;
  /** Ready servers with `prefix: false`: a name no server lists goes to the server when it is the only one. */
  readonly unprefixed: readonly string[];
}

/** Which lists changed in a rebuild (one event per rebuild, after the new snapshot is in place). */
export interface CatalogDelta {
  readonly tools: boolean;
  readonly prompts: boolean;
  readonly resources: boolean;
  /** The snapshots before and after (so a client that sees part of the catalog can tell whether its part changed). */
  readonly previous?: CatalogSnapshot;
  readonly next: CatalogSnapshot;
}

const EMPTY: CatalogSnapshot = {
  tools: [],
  prompts: [],
  resources: [],
  resourceTemplates: [],
  toolOrigins: new Map(),
  promptOrigins: new Map(),
  resourceOrigins: new Map(),
  templateOrigins: new Map(),
  offline: new Map(),
  offlineTools: new Map(),
  aliases: new Map(),
  serversByAlias: new Map(),
  uriListers: new Map(),
  unprefixed: [],
};

/**
 * The aggregate catalog: every ready server's tools, prompts and resources, filtered by each server's
 * `tools.allow`/`deny`, named by the tool-name codec. Upstream changes are coalesced into one rebuild and the
 * snapshot is swapped whole, so a client never sees a half-updated list.
 */
export class GatewayCatalog implements Disposable {
  private snapshotValue: CatalogSnapshot = EMPTY;
  private readonly onDidChangeEmitter = new Emitter<CatalogDelta>();
  readonly onDidChange: Event<CatalogDelta> = this.onDidChangeEmitter.event;
  private readonly disposables = new DisposableStore();
  private pending: NodeJS.Timeout | undefined;
  /** Each server's catalog when it was last ready: names stay put while it restarts, and requests hear why. */
  private readonly lastKnown = new Map<string, Catalog>();
  /** Lists a server said changed since the last rebuild: they are announced even if they look the same. */
  private readonly signalled = new Set<ListKind>();

  constructor(
    private readonly supervisor: Supervisor,
    private readonly coalesceMs = 20,
  ) {
    this.disposables.add(
      supervisor.onDidChangeCatalog((change) => {
        // A server that says its list changed is heard, even when the list looks the same to us.
        if (change.signalled) this.signalled.add(change.signalled);
        this.schedule();
      }),
    );
    this.disposables.add(supervisor.onDidChangeStatus(() => this.schedule()));
    this.rebuild();
  }

  /** The current view; a change still waiting to be coalesced is applied first, so no request sees a stale one. */
  get snapshot(): CatalogSnapshot {
    if (this.pending) this.rebuild();
    return this.snapshotValue;
  }

  /** Rebuilds now (tests and the first request use it); otherwise changes are coalesced. */
  rebuild(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
    const sources = this.supervisor.list().map((primary) => {
      const server = this.supervisor.representative(primary.name)!;
      const ready = server.currentState === 'ready';
      if (ready) this.lastKnown.set(primary.name, server.catalog);
      return { name: primary.name, config: server.config, ready, catalog: ready ? server.catalog : (this.lastKnown.get(primary.name) ?? EMPTY_CATALOG) };
    });
    for (const name of this.lastKnown.keys()) if (!this.supervisor.get(name)) this.lastKnown.delete(name);
    const next = buildSnapshot(sources);
    const previous = this.snapshotValue;
    const delta: CatalogDelta = {
      tools: this.signalled.has('tools') || !isDeepStrictEqual(previous.tools, next.tools),
      prompts: this.signalled.has('prompts') || !isDeepStrictEqual(previous.prompts, next.prompts),
      resources: this.signalled.has('resources') || !isDeepStrictEqual(previous.resources, next.resources) || !isDeepStrictEqual(previous.resourceTemplates, next.resourceTemplates),
      previous,
      next,
    };
    this.signalled.clear();
    this.snapshotValue = next;
    if (delta.tools || delta.prompts || delta.resources) this.onDidChangeEmitter.fire(delta);
  }

  private schedule(): void {
    this.pending ??= setTimeout(() => this.rebuild(), this.coalesceMs);
  }

  dispose(): void {
    clearTimeout(this.pending);
    this.disposables.dispose();
    this.onDidChangeEmitter.dispose();
  }
}

/** A configured server as the catalog sees it: its config, whether it is ready, and its (last known) catalog. */
export interface CatalogSource {
  readonly name: string;
  readonly config: ServerConfig;
  readonly ready: boolean;
  readonly catalog: Catalog;
}

/**
 * Builds the snapshot. Names are given over every configured server with a known catalog, ready or not, so a
 * server going down or coming back renames nothing; only the ready ones are listed. Pure.
 */
export function buildSnapshot(sources: readonly CatalogSource[]): CatalogSnapshot {
  const aliases = serverAliases(sources.map(({ name, config }) => ({ server: name, alias: config.alias })));
  const unprefixed = (source: CatalogSource) => source.config.prefix === false;
  const offline = new Map<string, string>();
  const offlineTools = new Map<string, string>();

  const tools = sources.flatMap((source) => source.catalog.tools.filter((tool) => isToolAllowed(source.config, tool.name)).map((tool) => ({ source, tool })));
  const toolNames = nameItems(
    tools.map(({ source, tool }) => ({ server: source.name, name: tool.name, unprefixed: unprefixed(source) })),
    aliases,
  );
  const toolOrigins = new Map<string, Origin & { tool: Tool }>();
  const exposedTools: Tool[] = [];
  for (const { source, tool } of tools) {
    const exposed = toolNames.byOrigin.get(originKey(source.name, tool.name))!;
    if (!source.ready) {
      offline.set(exposed, source.name);
      offlineTools.set(exposed, tool.name);
      continue;
    }
    toolOrigins.set(exposed, { server: source.name, name: tool.name, tool });
    exposedTools.push(exposed === tool.name ? tool : { ...tool, name: exposed });
  }

  const prompts = sources.flatMap((source) => source.catalog.prompts.map((prompt) => ({ source, prompt })));
  const promptNames = nameItems(
    prompts.map(({ source, prompt }) => ({ server: source.name, name: prompt.name, unprefixed: unprefixed(source) })),
    aliases,
  );
  const promptOrigins = new Map<string, Origin>();
  const exposedPrompts: Prompt[] = [];
  for (const { source, prompt } of prompts) {
    const exposed = promptNames.byOrigin.get(originKey(source.name, prompt.name))!;
    if (!source.ready) {
      offline.set(exposed, source.name);
      continue;
    }
    promptOrigins.set(exposed, { server: source.name, name: prompt.name });
    exposedPrompts.push(exposed === prompt.name ? prompt : { ...prompt, name: exposed });
  }

  // Resource URIs pass through unchanged; a URI (or template) two servers list is rewritten for all but one.
  const uriListers = listersOf(sources.flatMap((source) => source.catalog.resources.map((resource) => ({ server: source.name, uri: resource.uri }))));
  const templateListers = listersOf(sources.flatMap((source) => source.catalog.resourceTemplates.map((template) => ({ server: source.name, uri: template.uriTemplate }))));
  const exposeListed = (listers: ReadonlyMap<string, readonly string[]>, server: string, uri: string) =>
    (listers.get(uri)?.[0] ?? server) === server ? uri : exposeUri(aliases.get(server)!, uri);
  const resourceOrigins = new Map<string, UriOrigin>();
  const templateOrigins = new Map<string, UriOrigin>();
  const resources: Resource[] = [];
  const resourceTemplates: ResourceTemplateType[] = [];
  for (const source of sources) {
    for (const resource of source.catalog.resources) {
      const exposed = exposeListed(uriListers, source.name, resource.uri);
      if (!source.ready) {
        offline.set(exposed, source.name);
        continue;
      }
      resourceOrigins.set(exposed, { server: source.name, uri: resource.uri });
      resources.push(exposed === resource.uri ? resource : { ...resource, uri: exposed });
    }
    for (const template of source.catalog.resourceTemplates) {
      const exposed = exposeListed(templateListers, source.name, template.uriTemplate);
      if (!source.ready) continue;
      templateOrigins.set(exposed, { server: source.name, uri: template.uriTemplate });
      resourceTemplates.push(exposed === template.uriTemplate ? template : { ...template, uriTemplate: exposed });
    }
  }
  const serversByAlias = new Map([...aliases].map(([server, alias]) => [alias, server]));
  const unprefixedServers = sources.filter((source) => source.ready && unprefixed(source)).map((source) => source.name);
  return { tools: exposedTools, prompts: exposedPrompts, resources, resourceTemplates, toolOrigins, promptOrigins, resourceOrigins, templateOrigins, offline, offlineTools, aliases, serversByAlias, uriListers, unprefixed: unprefixedServers };
}

/** URI → the servers that list it, in a stable order (by server name): the first keeps the URI as it is. */
function listersOf(entries: readonly UriOrigin[]): Map<string, string[]> {
  const listers = new Map<string, string[]>();
  for (const { server, uri } of entries) {
    const list = listers.get(uri) ?? [];
    if (!list.includes(server)) list.push(server);
    listers.set(uri, list);
  }
  for (const list of listers.values()) list.sort();
  return listers;
}

/** The URI the gateway shows for an upstream resource URI. */
export function exposeUri(alias: string, uri: string): string {
  return `${RESOURCE_SCHEME}//${alias}/${uri}`;
}

/** The server alias and upstream URI of an exposed URI, or undefined if it is not one of ours. */
export function parseExposedUri(uri: string): { alias: string; uri: string } | undefined {
  if (!uri.startsWith(`${RESOURCE_SCHEME}//`)) return undefined;
  const rest = uri.slice(RESOURCE_SCHEME.length + 2);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  return { alias: rest.slice(0, slash), uri: rest.slice(slash + 1) };
}
