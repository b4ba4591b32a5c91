import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { LOG_LEVELS, LOG_STREAMS } from '../../shared/model.ts';
import type { LogItem, LogSource } from '../../shared/contract.ts';
import { formatTime, JsonView, ServerFilter, useDebounced } from '../components/common.tsx';
import { useApp } from '../store/index.ts';
import { keyOf } from '../store/logs.ts';
import { useShallow } from 'zustand/react/shallow';

const ROW = 22;

export function LogsPage() {
  const filter = useApp((s) => s.logs.filter);
  const setFilter = useApp((s) => s.logs.setFilter);
  const paused = useApp((s) => s.logs.paused);
  const pending = useApp((s) => s.logs.pending.length);
  const count = useApp((s) => s.logs.items.length);
  const older = useApp((s) => s.logs.older);
  const skipped = useApp((s) => s.logs.skipped);
  const setPaused = useApp((s) => s.logs.setPaused);
  const selected = useApp((s) => s.logs.selected);
  const detached = useApp((s) => s.logs.detached);
  const reload = useApp((s) => s.logs.reload);
  const servers = useApp((s) => s.servers.statuses);
  const [text, setText] = useState(filter.text ?? '');
  const debounced = useDebounced(text, 250);
  useEffect(() => {
    if ((filter.text ?? '') !== debounced) setFilter({ text: debounced });
  }, [debounced, filter.text, setFilter]);

  return (
    <>
      <div className="page-header">
        <h1>Logs</h1>
        <div className="row wrap grow">
          <select aria-label="Source" value={filter.source ?? 'all'} onChange={(event) => setFilter({ source: event.target.value === 'all' ? undefined : (event.target.value as LogSource) })}>
            <option value="all">Logs and JSON-RPC</option>
            <option value="logs">Logs only</option>
            <option value="rpc">JSON-RPC only</option>
          </select>
          <ServerFilter names={servers.map((server) => server.name)} value={filter.server} onChange={(server) => setFilter({ server })} />
          <select aria-label="Minimum level" value={filter.level ?? ''} onChange={(event) => setFilter({ level: (event.target.value || undefined) as typeof filter.level })}>
            <option value="">Any level</option>
            {LOG_LEVELS.map((level) => (
              <option key={level} value={level}>
                {level} and up
              </option>
            ))}
          </select>
          <select aria-label="Stream" value={filter.stream ?? ''} onChange={(event) => setFilter({ stream: (event.target.value || undefined) as typeof filter.stream })}>
            <option value="">Any stream</option>
            {LOG_STREAMS.map((stream) => (
              <option key={stream} value={stream}>
                {stream}
              </option>
            ))}
          </select>
          <input type="search" data-search aria-label="Find text" placeholder="Find text  (/)" value={text} onChange={(event) => setText(event.target.value)} style={{ width: 200 }} />
          <TimeInput label="Since" value={filter.since} onChange={(since) => setFilter({ since })} />
          <TimeInput label="Until" value={filter.until} onChange={(until) => setFilter({ until })} />
          <span className="spacer" />
          <span className="muted" aria-live="polite">
            {count.toLocaleString()} {count === 1 ? 'line' : 'lines'}{older ? ' (older ones load as you scroll up)' : ''}
            {skipped > 0 ? ` · ${skipped.toLocaleString()} skipped in a flood (in the store)` : ''}
          </span>
          {detached && (
            <button type="button" onClick={() => void reload()} title="The newest lines were let go while you scrolled back">
              Jump to the newest lines
            </button>
          )}
          <button type="button" aria-pressed={paused} disabled={detached} onClick={() => setPaused(!paused)}>
            {paused ? `Resume${pending ? ` (${pending.toLocaleString()} new)` : ''}` : 'Pause'}
          </button>
        </div>
      </div>
      <div className="logs-page">
        <LogList />
        {selected && <LogDetail item={selected} />}
      </div>
    </>
  );
}

function TimeInput({ label, value, onChange }: { label: string; value: number | undefined; onChange: (value: number | undefined) => void }) {
  const local = value === undefined ? '' : toLocalInput(value);
  return (
    <label className="row" title={`${label} (local time)`}>
      <span className="muted">{label}</span>
      <input type="datetime-local" step={1} aria-label={label} value={local} onChange={(event) => onChange(event.target.value ? new Date(event.target.value).getTime() : undefined)} />
    </label>
  );
}

function toLocalInput(time: number): string {
  const date = new Date(time - new Date(time).getTimezoneOffset() * 60_000);
  return date.toISOString().slice(0, 19);
}

function LogList() {
  const items = useApp((s) => s.logs.items);
  const generation = useApp((s) => s.logs.generation);
  const paused = useApp((s) => s.logs.paused || s.logs.detached);
  const selected = useApp((s) => s.logs.selected);
  const loading = useApp((s) => s.logs.loading);
  const { loadOlder, select } = useApp(useShallow((s) => ({ loadOlder: s.logs.loadOlder, select: s.logs.select })));
  const parent = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const firstKey = useRef<string | undefined>(undefined);
  const virtualizer = useVirtualizer({ count: items.length, getScrollElement: () => parent.current, estimateSize: () => ROW, overscan: 30 });

  // A new list (filter changed): start at the newest line.
  useLayoutEffect(() => {
    following.current = true;
    firstKey.current = undefined;
  }, [generation]);

  useLayoutEffect(() => {
    const element = parent.current;
    if (!element) return;
    const first = items[0] ? keyOf(items[0]) : undefined;
    const previousFirst = firstKey.current;
    firstKey.current = first;
    if (previousFirst !== undefined && first !== previousFirst) {
      // Older lines were put on top: keep the lines on screen where they were.
      const moved = items.findIndex((item) => keyOf(item) === previousFirst);
      if (moved > 0) element.scrollTop += moved * ROW;
    }
    if (following.current && !paused) element.scrollTop = element.scrollHeight;
  }, [items, paused]);

  const onScroll = () => {
    const element = parent.current;
    if (!element) return;
    following.current = element.scrollTop + element.clientHeight >= element.scrollHeight - ROW * 2;
    if (element.scrollTop < ROW * 10 && !loading) void loadOlder();
  };

  const selectedKey = selected ? keyOf(selected) : undefined;
  const indexOfSelected = useMemo(() => (selectedKey ? items.findIndex((item) => keyOf(item) === selectedKey) : -1), [items, selectedKey]);

  return (
    <div
      ref={parent}
      className="log-list"
      role="listbox"
      aria-label="Log lines"
      tabIndex={0}
      onScroll={onScroll}
      onKeyDown={(event) => {
        if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
          event.preventDefault();
          const next = Math.max(0, Math.min(items.length - 1, (indexOfSelected < 0 ? items.length : indexOfSelected) + (event.key === 'ArrowDown' ? 1 : -1)));
          const item = items[next];
          if (item) {
            void select(item);
            virtualizer.scrollToIndex(next);
          }
        } else if (event.key === 'End') {
          following.current = true;
          virtualizer.scrollToIndex(items.length - 1, { align: 'end' });
        } else if (event.key === 'Escape') {
          void select(null);
        }
      }}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((row) => {
          const item = items[row.index]!;
          const key = keyOf(item);
          return (
            <div
              key={key}
              role="option"
              aria-selected={key === selectedKey}
              className={`log-row ${item.kind === 'log' ? item.level : 'rpc'}`}
              style={{ transform: `translateY(${row.start}px)` }}
              data-kind={item.kind}
              onClick={() => void select(item)}
            >
              <span className="time">{formatTime(item.time)}</span>
              <span className="server" title={item.kind === 'rpc' && item.session ? `session ${item.session}` : undefined}>
                {item.server ?? (item.kind === 'rpc' ? (item.client ?? (item.session ? `session ${item.session.slice(0, 8)}` : 'client')) : 'switchboard')}
              </span>
              <span className="kind">{item.kind === 'log' ? `${item.stream}${item.level !== 'info' ? ` ${item.level}` : ''}` : `${item.hop} ${item.direction === 'in' ? '→' : '←'}`}</span>
              <span className="message">{item.kind === 'log' ? item.message : `${item.method ?? (item.preview.includes('"error"') ? 'error' : 'result')}${item.rpcId ? ` #${item.rpcId}` : ''}  ${item.preview}`}</span>
            </div>
          );
        })}
      </div>
      {items.length === 0 && !loading && <p className="muted" style={{ padding: 12 }}>No lines match.</p>}
    </div>
  );
}

function LogDetail({ item }: { item: LogItem }) {
  const detail = useApp((s) => s.logs.detail);
  const select = useApp((s) => s.logs.select);
  const navigate = useApp((s) => s.app.navigate);
  const selectTrace = useApp((s) => s.traces.select);
  return (
    <aside className="detail-panel stack" aria-label="Line detail">
      <div className="row">
        <strong>{item.kind === 'log' ? `${item.stream} · ${item.level}` : `JSON-RPC · ${item.hop} ${item.direction}`}</strong>
        <span className="spacer" />
        <button type="button" className="small" onClick={() => void select(null)} aria-label="Close detail">
          ✕
        </button>
      </div>
      <div className="muted">
        {formatTime(item.time, true)} · {item.server ?? 'switchboard'}
      </div>
      {item.kind === 'log' ? (
        <pre className="block">{item.message}</pre>
      ) : (
        <div className="muted">
          {item.method ?? 'response'} {item.rpcId ? `id ${item.rpcId}` : ''} {item.session ? `· session ${item.session}` : ''}
        </div>
      )}
      {item.traceId && (
        <div>
          <button
            type="button"
            className="small"
            onClick={() => {
              void selectTrace(item.traceId!);
              navigate('traces');
            }}
          >
            Open trace
          </button>
          {item.kind === 'log' && <span className="muted"> written during this call</span>}
        </div>
      )}
      {item.kind === 'rpc' && (detail ? <JsonView value={detail.body} label="Message" /> : <p className="muted">Loading…</p>)}
    </aside>
  );
}
