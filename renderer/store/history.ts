import type { HistoryEntry, HistorySummary } from '../../shared/contract.ts';
import { call } from './call.ts';
import type { SliceContext } from './types.ts';

export interface HistorySlice {
  entries: HistorySummary[];
  loaded: boolean;
  refresh(): Promise<void>;
  prepend(entry: HistorySummary): void;
  get(id: number): Promise<HistoryEntry | undefined>;
  clear(): Promise<void>;
}

const KEEP = 500;

export function createHistorySlice({ api, get, patch }: SliceContext): HistorySlice {
  return {
    entries: [],
    loaded: false,
    refresh: async () => {
      const entries = await get().app.attempt('read the history', () => call(api, 'history.list', { limit: KEEP }));
      if (entries) patch('history', { entries, loaded: true });
    },
    prepend: (entry) => patch('history', (history) => (history.entries.some((e) => e.id === entry.id) ? {} : { entries: [entry, ...history.entries].slice(0, KEEP) })),
    get: (id) => get().app.attempt('read that call', () => call(api, 'history.get', { id })),
    clear: async () => {
      if ((await get().app.attempt('clear the history', () => call(api, 'history.clear'))) !== undefined) patch('history', { entries: [] });
    },
  };
}
