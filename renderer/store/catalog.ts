import type { CatalogView } from '../../shared/contract.ts';
import { call } from './call.ts';
import type { SliceContext } from './types.ts';

export interface CatalogSlice {
  catalog: CatalogView;
  loaded: boolean;
  refresh(): Promise<void>;
}

const EMPTY: CatalogView = { tools: [], prompts: [], resources: [], resourceTemplates: [] };

export function createCatalogSlice({ api, get, patch }: SliceContext): CatalogSlice {
  let inFlight: Promise<void> | undefined;
  return {
    catalog: EMPTY,
    loaded: false,
    refresh: () =>
      (inFlight ??= (async () => {
        try {
          const catalog = await get().app.attempt('list the tools', () => call(api, 'catalog.get'));
          if (catalog) patch('catalog', { catalog, loaded: true });
        } finally {
          inFlight = undefined;
        }
      })()),
  };
}
