import type { LogEntry, MessageRecord, Span, SpanStatus } from '../../shared/model.ts';
import { call } from './call.ts';
import type { SliceContext } from './types.ts';

export interface TraceFilter {
  server?: string;
  tool?: string;
  status?: SpanStatus;
}

export interface TracesSlice {
  list: Span[];
  filter: TraceFilter;
  loaded: boolean;
  selected: string | null;
  detail: { spans: Span[]; messages: MessageRecord[]; logs: LogEntry[] } | null;
  refresh(): Promise<void>;
  setFilter(change: TraceFilter): void;
  select(traceId: string | null): Promise<void>;
}

export function createTracesSlice({ api, get, patch }: SliceContext): TracesSlice {
  let request = 0;
  return {
    list: [],
    filter: {},
    loaded: false,
    selected: null,
    detail: null,
    refresh: async () => {
      const id = ++request;
      const query = Object.fromEntries(Object.entries(get().traces.filter).filter(([, value]) => value !== undefined && value !== ''));
      const list = await get().app.attempt('read the traces', () => call(api, 'traces.query', { ...query, limit: 500 }));
      if (list && id === request) patch('traces', { list: list.reverse(), loaded: true });
    },
    setFilter: (change) => {
      patch('traces', (traces) => ({ filter: { ...traces.filter, ...change } }));
      void get().traces.refresh();
    },
    select: async (selected) => {
      patch('traces', { selected, detail: null });
      if (!selected) return;
      const detail = await get().app.attempt('read the trace', () => call(api, 'traces.get', { traceId: selected }));
      if (detail && get().traces.selected === selected) patch('traces', { detail });
    },
  };
}
