// The aggregate catalog: names and URIs as clients see them, and how its changes reach them.
import { describe, expect, it } from 'vitest';
import { Emitter } from '../../../../electron/core/base/event.ts';
import { parseConfig } from '../../../../electron/core/config/parse.ts';
import { buildSnapshot, GatewayCatalog, type CatalogDelta, type CatalogSource } from '../../../../electron/core/gateway/catalog.ts';
import type { Catalog } from '../../../../electron/core/supervisor/managed-server.ts';
import type { CatalogChange, Supervisor } from '../../../../electron/core/supervisor/supervisor.ts';
import { sleep } from '../../../helpers/wait.ts';

const configOf = (name: string, extra: Record<string, unknown> = {}) => parseConfig(JSON.stringify({ mcpServers: { [name]: { command: 'x', ...extra } } }), 'mcp.json').servers.get(name)!;
const tool = (name: string) => ({ name, inputSchema: { type: 'object' as const } });
const catalogOf = (tools: string[], resources: string[] = []): Catalog => ({
  tools: tools.map(tool),
  prompts: tools.map((name) => ({ name })),
  resources: resources.map((uri) => ({ uri, name: uri })),
  resourceTemplates: [],
});

/** A supervisor with one server whose catalog the test changes, firing the events a real one fires. */
function fakeSupervisor() {
  const catalogEvents = new Emitter<CatalogChange>();
  const statusEvents = new Emitter<never>();
  const server = { name: 'a', config: configOf('a'), currentState: 'ready', catalog: catalogOf([]) };
  const supervisor = {
    onDidChangeCatalog: catalogEvents.event,
    onDidChangeStatus: statusEvents.event,
    list: () => [server],
    representative: () => server,
    get: (name: string) => (name === 'a' ? server : undefined),
  } as unknown as Supervisor;
  return {
    supervisor,
    change(tools: string[], signalled?: 'tools') {
      server.catalog = catalogOf(tools);
      catalogEvents.fire({ server: 'a', catalog: server.catalog, ...(signalled ? { signalled } : {}) });
    },
  };
}

describe('GatewayCatalog', () => {
  it('coalesces a burst of changes into one update for clients, with the final lists', async () => {
    const fake = fakeSupervisor();
    const catalog = new GatewayCatalog(fake.supervisor);
    const deltas: Pick<CatalogDelta, 'tools' | 'prompts' | 'resources'>[] = [];
    catalog.onDidChange(({ tools, prompts, resources }) => deltas.push({ tools, prompts, resources }));
    for (let i = 1; i <= 10; i++) fake.change(Array.from({ length: i }, (_, n) => `t${n}`));
    await sleep(100);
    expect(deltas).toEqual([{ tools: true, prompts: true, resources: false }]);
    expect(catalog.snapshot.tools).toHaveLength(10);
    catalog.dispose();
  });

  it("announces a server's own list_changed once even when the list looks the same, and nothing when nothing happened", async () => {
    const fake = fakeSupervisor();
    fake.change(['t0']);
    const catalog = new GatewayCatalog(fake.supervisor);
    const deltas: Pick<CatalogDelta, 'tools' | 'prompts' | 'resources'>[] = [];
    catalog.onDidChange(({ tools, prompts, resources }) => deltas.push({ tools, prompts, resources }));
    fake.change(['t0']);
    await sleep(60);
    expect(deltas).toEqual([]);
    fake.change(['t0'], 'tools');
    fake.change(['t0'], 'tools');
    await sleep(60);
    expect(deltas).toEqual([{ tools: true, prompts: false, resources: false }]);
    catalog.dispose();
  });
});

describe('buildSnapshot', () => {
  const source = (name: string, tools: string[], resources: string[], extra: Record<string, unknown> = {}, ready = true): CatalogSource => ({
    name,
    config: configOf(name, extra),
    ready,
    catalog: catalogOf(tools, resources),
  });

  it('passes names and URIs through unchanged where they are unique, and rewrites only a real collision, the same way every time', () => {
    const first = buildSnapshot([source('alpha', ['read', 'only_alpha'], ['file:///shared', 'alpha://x'], { prefix: false }), source('beta', ['read', 'only_beta'], ['file:///shared'], { prefix: false })]);
    // Unique names stay as they are; the colliding one goes back to its prefix, for both servers.
    expect(first.tools.map((t) => t.name).sort()).toEqual(['alpha__read', 'beta__read', 'only_alpha', 'only_beta']);
    expect(first.prompts.map((p) => p.name).sort()).toEqual(['alpha__read', 'beta__read', 'only_alpha', 'only_beta']);
    // A URI both list: the first server (by name) keeps it, the other's is sb://beta/...; alpha's own is as it is.
    expect(first.resources.map((r) => r.uri).sort()).toEqual(['alpha://x', 'file:///shared', 'sb://beta/file:///shared']);
    expect(first.resourceOrigins.get('sb://beta/file:///shared')).toEqual({ server: 'beta', uri: 'file:///shared' });
    expect(first.resourceOrigins.get('file:///shared')).toEqual({ server: 'alpha', uri: 'file:///shared' });
    // Reversible: every exposed name leads back to its origin.
    expect(first.toolOrigins.get('beta__read')).toMatchObject({ server: 'beta', name: 'read' });
    expect(first.promptOrigins.get('only_alpha')).toEqual({ server: 'alpha', name: 'only_alpha' });
    // Stable: in another order, the same names.
    const second = buildSnapshot([source('beta', ['read', 'only_beta'], ['file:///shared'], { prefix: false }), source('alpha', ['read', 'only_alpha'], ['file:///shared', 'alpha://x'], { prefix: false })]);
    expect(second.tools.map((t) => t.name).sort()).toEqual(first.tools.map((t) => t.name).sort());
    expect([...second.resourceOrigins].sort()).toEqual([...first.resourceOrigins].sort());
  });

  it('keeps the names of a server that is down, so nothing is renamed when it comes back, and knows whose they are', () => {
    const up = buildSnapshot([source('alpha', ['read'], [], { prefix: false }), source('beta', ['read'], [], { prefix: false })]);
    const down = buildSnapshot([source('alpha', ['read'], [], { prefix: false }), source('beta', ['read'], [], { prefix: false }, false)]);
    expect(down.tools.map((t) => t.name)).toEqual(['alpha__read']);
    expect(up.tools.map((t) => t.name)).toContain('alpha__read');
    expect(down.offline.get('beta__read')).toBe('beta');
  });
});
