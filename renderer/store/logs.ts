import { matchesLogFilter, type LogCursor, type LogFilter, type LogItem } from '../../shared/contract.ts';
import type { MessageRecord } from '../../shared/model.ts';
import { call } from './call.ts';
import type { SliceContext } from './types.ts';

/** Lines kept in memory; beyond it the oldest go (they are a page away in the store). */
export const MAX_LINES = 100_000;
export const PAGE = 1000;

export interface LogsSlice {
  filter: LogFilter;
  /** Oldest first. */
  items: LogItem[];
  /** Where older lines continue in the store; null when the oldest is loaded. */
  older: LogCursor | null;
  loading: boolean;
  /** Live tail paused: new lines wait in `pending`. */
  paused: boolean;
  pending: LogItem[];
  /** Lines the live tail skipped while the app was flooded (they are in the store). */
  skipped: number;
  selected: LogItem | null;
  detail: MessageRecord | null;
  /** Bumped when the list is replaced (the view jumps to the end). */
  generation: number;
  /**
   * Scrolled so far back that the newest lines were let go (memory stays bounded): the live tail stops until
   * the person jumps back to the newest lines (`reload`).
   */
  detached: boolean;
  setFilter(change: Partial<LogFilter>): void;
  reload(): Promise<void>;
  loadOlder(): Promise<number>;
  append(items: readonly LogItem[], skipped: number): void;
  setPaused(paused: boolean): void;
  select(item: LogItem | null): Promise<void>;
}

export function keyOf(item: LogItem): string {
  return `${item.kind}${item.id}`;
}

export function createLogsSlice({ api, get, patch }: SliceContext): LogsSlice {
  let request = 0;
  return {
    filter: {},
    items: [],
    older: null,
    loading: false,
    paused: false,
    pending: [],
    skipped: 0,
    selected: null,
    detail: null,
    generation: 0,
    detached: false,
    setFilter: (change) => {
      const filter = { ...get().logs.filter, ...change };
      for (const key of Object.keys(filter) as (keyof LogFilter)[]) if (filter[key] === undefined || filter[key] === '') delete filter[key];
      patch('logs', { filter });
      void get().logs.reload();
    },
    reload: async () => {
      const id = ++request;
      patch('logs', { loading: true });
      const page = await get().app.attempt('read the logs', () => call(api, 'logs.query', { filter: get().logs.filter, limit: PAGE }));
      if (id !== request) return;
      if (!page) {
        patch('logs', { loading: false });
        return;
      }
      patch('logs', (logs) => ({ items: page.items, older: page.next, loading: false, pending: [], skipped: 0, detached: false, generation: logs.generation + 1 }));
    },
    loadOlder: async () => {
      const { older, loading, filter } = get().logs;
      if (!older || loading) return 0;
      const id = request;
      patch('logs', { loading: true });
      const page = await get().app.attempt('read older logs', () => call(api, 'logs.query', { filter, before: older, limit: PAGE }));
      if (id !== request) return 0;
      if (!page) {
        patch('logs', { loading: false });
        return 0;
      }
      // An older page can only overlap the oldest lines shown (a line at the page boundary): it is checked against
      // those, not all 100,000 (a set of every key on each page made scrolling back quadratic).
      const boundary = new Set(get().logs.items.slice(0, page.items.length).map(keyOf));
      const fresh = page.items.filter((item) => !boundary.has(keyOf(item)));
      patch('logs', (logs) => {
        const items = [...fresh, ...logs.items];
        if (items.length <= MAX_LINES) return { items, older: page.next, loading: false };
        return { items: items.slice(0, MAX_LINES), older: page.next, loading: false, detached: true, pending: [] };
      });
      return fresh.length;
    },
    append: (incoming, skipped) => {
      const { filter, paused, detached } = get().logs;
      if (detached) return; // In the store; shown again on the way back to the newest lines.
      const matching = incoming.filter((item) => matchesLogFilter(item, filter));
      if (matching.length === 0 && skipped === 0) return;
      if (paused) {
        patch('logs', (logs) => ({ pending: [...logs.pending, ...matching].slice(-MAX_LINES), skipped: logs.skipped + skipped }));
        return;
      }
      patch('logs', (logs) => ({ ...trimmed([...logs.items, ...matching], logs.older), skipped: logs.skipped + skipped }));
    },
    setPaused: (paused) => {
      if (paused) {
        patch('logs', { paused });
        return;
      }
      patch('logs', (logs) => ({ paused, pending: [], ...trimmed([...logs.items, ...logs.pending], logs.older) }));
    },
    select: async (selected) => {
      patch('logs', { selected, detail: null });
      if (selected?.kind !== 'rpc') return;
      const detail = await get().app.attempt('read the message', () => call(api, 'logs.message', { id: selected.id }));
      if (get().logs.selected === selected && detail) patch('logs', { detail });
    },
  };
}

/** Keeps the newest MAX_LINES; the cursor then starts where the kept lines start. */
export function trimmed(items: LogItem[], older: LogCursor | null): { items: LogItem[]; older: LogCursor | null } {
  if (items.length <= MAX_LINES) return { items, older };
  const dropped = items.slice(0, items.length - MAX_LINES);
  const kept = items.slice(items.length - MAX_LINES);
  const cursorFor = (kind: LogItem['kind'], previous: number | null | undefined): number | null => {
    const keptIds = kept.filter((item) => item.kind === kind).map((item) => item.id);
    if (keptIds.length) return Math.min(...keptIds);
    const droppedIds = dropped.filter((item) => item.kind === kind).map((item) => item.id);
    if (droppedIds.length) return Math.max(...droppedIds) + 1;
    return previous ?? null;
  };
  return { items: kept, older: { log: cursorFor('log', older?.log), rpc: cursorFor('rpc', older?.rpc) } };
}
