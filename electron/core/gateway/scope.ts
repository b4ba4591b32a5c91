import type { CatalogSnapshot } from './catalog.ts';

/**
 * What one client may see of the catalog (its profile, as the access layer reads it). The router works on the
 * client's view of the catalog, never the whole: what is outside it is unknown there, answered exactly as a name no
 * server has, with suggestions drawn from the view only, so a client cannot learn what others see.
 */
export interface Scope {
  /** A stable name for traces (the client's). */
  readonly client: string;
  seesServer(server: string): boolean;
  /** `exposed`: the name the client sees; `name`: the tool's own name on `server`. */
  seesTool(server: string, exposed: string, name: string): boolean;
  seesPrompt(server: string, exposed: string, name: string): boolean;
  seesResource(server: string, uri: string): boolean;
  /** True when the profile names tools or prompts: then a name the view does not list is never guessed at. */
  readonly restrictsNames: boolean;
}

const views = new WeakMap<Scope, { snapshot: CatalogSnapshot; view: CatalogSnapshot }>();

/** The catalog as `scope` sees it; computed once per snapshot and scope. */
export function viewOf(snapshot: CatalogSnapshot, scope: Scope | undefined): CatalogSnapshot {
  if (!scope) return snapshot;
  const cached = views.get(scope);
  if (cached?.snapshot === snapshot) return cached.view;
  const view = filterSnapshot(snapshot, scope);
  views.set(scope, { snapshot, view });
  return view;
}

function filterSnapshot(snapshot: CatalogSnapshot, scope: Scope): CatalogSnapshot {
  const toolOrigins = new Map([...snapshot.toolOrigins].filter(([exposed, origin]) => scope.seesServer(origin.server) && scope.seesTool(origin.server, exposed, origin.name)));
  const promptOrigins = new Map([...snapshot.promptOrigins].filter(([exposed, origin]) => scope.seesServer(origin.server) && scope.seesPrompt(origin.server, exposed, origin.name)));
  const resourceOrigins = new Map([...snapshot.resourceOrigins].filter(([exposed, origin]) => scope.seesServer(origin.server) && scope.seesResource(origin.server, exposed)));
  const templateOrigins = new Map([...snapshot.templateOrigins].filter(([exposed, origin]) => scope.seesServer(origin.server) && scope.seesResource(origin.server, exposed)));
  const offline = new Map(
    [...snapshot.offline].filter(([name, server]) => {
      if (!scope.seesServer(server)) return false;
      const tool = snapshot.offlineTools.get(name);
      return tool === undefined || scope.seesTool(server, name, tool);
    }),
  );
  return {
    tools: snapshot.tools.filter((tool) => toolOrigins.has(tool.name)),
    prompts: snapshot.prompts.filter((prompt) => promptOrigins.has(prompt.name)),
    resources: snapshot.resources.filter((resource) => resourceOrigins.has(resource.uri)),
    resourceTemplates: snapshot.resourceTemplates.filter((template) => templateOrigins.has(template.uriTemplate)),
    toolOrigins,
    promptOrigins,
    resourceOrigins,
    templateOrigins,
    offline,
    offlineTools: new Map([...snapshot.offlineTools].filter(([name]) => offline.has(name))),
    aliases: new Map([...snapshot.aliases].filter(([server]) => scope.seesServer(server))),
    serversByAlias: new Map([...snapshot.serversByAlias].filter(([, server]) => scope.seesServer(server))),
    uriListers: new Map(
      [...snapshot.uriListers].map(([uri, servers]) => [uri, servers.filter((server) => scope.seesServer(server))] as const).filter(([, servers]) => servers.length > 0),
    ),
    // An unprefixed server answers names it does not list: not for a client whose profile names what it may call.
    unprefixed: scope.restrictsNames ? [] : snapshot.unprefixed.filter((server) => scope.seesServer(server)),
  };
}
