import { paginate } from '../pagination.ts';
import type { CallContext } from '../pipeline/context.ts';
import { snapshotFor, type Handlers, type RouteDeps } from './router.ts';

/** tools/list, prompts/list, resources/list and resources/templates/list: pages of the catalog, under our own cursors. */
export function listHandlers(deps: RouteDeps): Handlers {
  const list = <K extends 'tools' | 'prompts' | 'resources' | 'resourceTemplates'>(key: K, kind: string) =>
    async (ctx: CallContext) => {
      await deps.waitForStartingServers();
      const cursor = typeof ctx.params.cursor === 'string' ? ctx.params.cursor : undefined;
      const items: readonly unknown[] = snapshotFor(deps, ctx)[key];
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
