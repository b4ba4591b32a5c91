import { paginate } from '../pagination.ts';
import type { Handlers, RouteDeps } from './router.ts';

/** tools/list, prompts/list, resources/list and resources/templates/list: pages of the catalog, under our own cursors. */
export function listHandlers(deps: RouteDeps): Handlers {
  const list = <K extends 'tools' | 'prompts' | 'resources' | 'resourceTemplates'>(key: K, kind: string) =>
    async (ctx: { params: Record<string, unknown> }) => {
      await deps.waitForStartingServers();
      const cursor = typeof ctx.params.cursor === 'string' ? ctx.params.cursor : undefined;
      const items: readonly unknown[] = deps.catalog.snapshot[key];
      const { page, nextCursor } = paginate(items, cursor, kind, deps.pageSize);
      return nextCursor ? { [key]: page, nextCursor } : { [key]: page };
    };
  return {
    'tools/list': list('tools', 'tools'),
    'prompts/list': list('prompts', 'prompts'),
    'resources/list': list('resources', 'resources'),
    'resources/templates/list': list('resourceTemplates', 'resources/templates'),
  };
}
