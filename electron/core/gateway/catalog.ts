import { isDeepStrictEqual } from 'node:util';
import type { Prompt, Resource, ResourceTemplateType, Tool } from '@modelcontextprotocol/client';
import { nameItems, originKey, serverAliases } from '../../../shared/tool-names.ts';
import { Emitter, type Event } from '../base/event.ts';
import { DisposableStore, type Disposable } from '../base/lifecycle.ts';
import type { ServerConfig } from '../config/schema.ts';
import type { ManagedServer } from '../supervisor/managed-server.ts';
import type { Supervisor } from '../supervisor/supervisor.ts';

/** The scheme of the URIs the gateway exposes for upstream resources: `sb://<alias>/<original uri>`. */
export const RESOURCE_SCHEME = 'sb:';

/** Where an exposed tool, prompt or resource really lives. */
export interface Origin {
  readonly server: string;
  readonly name: string;
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
  /** Server name → the alias in its resource URIs, and back. */
  readonly resourceAliases: ReadonlyMap<string, string>;
  readonly serversByResourceAlias: ReadonlyMap<string, string>;
}

/** Which lists changed in a rebuild (one event per rebuild, after the new snapshot is in place). */
export interface CatalogDelta {
  readonly tools: boolean;
  readonly prompts: boolean;
  readonly resources: boolean;
}

const EMPTY: CatalogSnapshot = {
  tools: [],
  prompts: [],
  resources: [],
  resourceTemplates: [],
  toolOrigins: new Map(),
  promptOrigins: new Map(),
  resourceAliases: new Map(),
  serversByResourceAlias: new Map(),
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

  constructor(
    private readonly supervisor: Supervisor,
    private readonly coalesceMs = 20,
  ) {
    this.disposables.add(supervisor.onDidChangeCatalog(() => this.schedule()));
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
    const next = buildSnapshot(this.supervisor.list().map((primary) => ({ name: primary.name, server: this.supervisor.representative(primary.name)! })));
    const previous = this.snapshotValue;
    const delta: CatalogDelta = {
      tools: !isDeepStrictEqual(previous.tools, next.tools),
      prompts: !isDeepStrictEqual(previous.prompts, next.prompts),
      resources: !isDeepStrictEqual(previous.resources, next.resources) || !isDeepStrictEqual(previous.resourceTemplates, next.resourceTemplates),
    };
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

/** A configured server as the catalog sees it: its name, and the replica that answers for it. */
export interface CatalogSource {
  readonly name: string;
  readonly server: ManagedServer;
}

/** Builds the snapshot from the servers that are ready. Pure apart from reading their state. */
export function buildSnapshot(sources: readonly CatalogSource[]): CatalogSnapshot {
  // Aliases over every configured server, ready or not: a server going down renames nothing.
  const aliases = serverAliases(sources.map(({ name, server }) => ({ server: name, alias: server.config.alias })));
  const ready = sources
    .filter(({ server }) => server.currentState === 'ready')
    .map(({ name, server }) => ({ name, config: server.config, catalog: server.catalog }));
  const tools: { server: (typeof ready)[number]; tool: Tool }[] = [];
  for (const server of ready) {
    for (const tool of server.catalog.tools) if (isToolAllowed(server.config, tool.name)) tools.push({ server, tool });
  }
  const toolNames = nameItems(
    tools.map(({ server, tool }) => ({ server: server.name, name: tool.name, unprefixed: server.config.prefix === false })),
    aliases,
  );
  const toolOrigins = new Map<string, Origin & { tool: Tool }>();
  const exposedTools: Tool[] = [];
  for (const { server, tool } of tools) {
    const exposed = toolNames.byOrigin.get(originKey(server.name, tool.name))!;
    toolOrigins.set(exposed, { server: server.name, name: tool.name, tool });
    exposedTools.push({ ...tool, name: exposed });
  }

  const prompts = ready.flatMap((server) => server.catalog.prompts.map((prompt) => ({ server, prompt })));
  const promptNames = nameItems(
    prompts.map(({ server, prompt }) => ({ server: server.name, name: prompt.name })),
    aliases,
  );
  const promptOrigins = new Map<string, Origin>();
  const exposedPrompts: Prompt[] = [];
  for (const { server, prompt } of prompts) {
    const exposed = promptNames.byOrigin.get(originKey(server.name, prompt.name))!;
    promptOrigins.set(exposed, { server: server.name, name: prompt.name });
    exposedPrompts.push({ ...prompt, name: exposed });
  }

  // Resource URIs carry the server's alias, the same one its tool names start with.
  const resourceAliases = new Map(ready.map((server) => [server.name, aliases.get(server.name)!]));
  const serversByResourceAlias = new Map([...resourceAliases].map(([server, alias]) => [alias, server]));
  const resources: Resource[] = [];
  const resourceTemplates: ResourceTemplateType[] = [];
  for (const server of ready) {
    const alias = resourceAliases.get(server.name)!;
    for (const resource of server.catalog.resources) resources.push({ ...resource, uri: exposeUri(alias, resource.uri) });
    for (const template of server.catalog.resourceTemplates) resourceTemplates.push({ ...template, uriTemplate: exposeUri(alias, template.uriTemplate) });
  }
  return { tools: exposedTools, prompts: exposedPrompts, resources, resourceTemplates, toolOrigins, promptOrigins, resourceAliases, serversByResourceAlias };
}

/** `tools.allow` (when set) and `tools.deny` of a server, by original name; `*` matches any run of characters. */
export function isToolAllowed(config: ServerConfig, name: string): boolean {
  const matches = (patterns: readonly string[] | undefined) => patterns?.some((pattern) => globToRegExp(pattern).test(name)) ?? false;
  if (config.tools?.allow && !matches(config.tools.allow)) return false;
  return !matches(config.tools?.deny);
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
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
