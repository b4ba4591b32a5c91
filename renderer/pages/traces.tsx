import { useEffect, useMemo } from 'react';
import { SPAN_STATUSES, type MessageRecord, type Span, type SpanEvent } from '../../shared/model.ts';
import { Badge, formatDuration, formatTime, JsonView, ServerFilter } from '../components/common.tsx';
import { useApp } from '../store/index.ts';
import { useShallow } from 'zustand/react/shallow';

export function TracesPage() {
  const list = useApp((s) => s.traces.list);
  const loaded = useApp((s) => s.traces.loaded);
  const filter = useApp((s) => s.traces.filter);
  const selected = useApp((s) => s.traces.selected);
  const { refresh, setFilter, select } = useApp(useShallow((s) => ({ refresh: s.traces.refresh, setFilter: s.traces.setFilter, select: s.traces.select })));
  const servers = useApp((s) => s.servers.statuses);
  useEffect(() => {
    if (!loaded) void refresh();
  }, [loaded, refresh]);

  return (
    <>
      <div className="page-header">
        <h1>Traces</h1>
        <ServerFilter names={servers.map((server) => server.name)} value={filter.server} onChange={(server) => setFilter({ server })} />
        <input aria-label="Tool" placeholder="Tool" value={filter.tool ?? ''} onChange={(event) => setFilter({ tool: event.target.value || undefined })} />
        <select aria-label="Status" value={filter.status ?? ''} onChange={(event) => setFilter({ status: (event.target.value || undefined) as typeof filter.status })}>
          <option value="">Any status</option>
          {SPAN_STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
        <span className="spacer" />
        <span className="muted">{list.length} requests</span>
        <button type="button" onClick={() => void refresh()}>
          Refresh
        </button>
      </div>
      <div className="split" style={{ gridTemplateColumns: 'minmax(560px, 50%) 1fr', flex: 1, minHeight: 0 }}>
        <div className="list-pane" style={{ overflow: 'auto' }}>
          <table className="grid" aria-label="Traces">
            <thead>
              <tr>
                <th>Time</th>
                <th>Client</th>
                <th>Request</th>
                <th>Server</th>
                <th>Status</th>
                <th>Duration</th>
              </tr>
            </thead>
            <tbody>
              {list.map((span) => (
                <tr
                  key={span.traceId + span.spanId}
                  className="clickable"
                  aria-selected={span.traceId === selected}
                  tabIndex={0}
                  data-trace={span.traceId}
                  onClick={() => void select(span.traceId)}
                  onKeyDown={(event) => event.key === 'Enter' && void select(span.traceId)}
                >
                  <td className="mono">{formatTime(span.start)}</td>
                  <td>{span.client ?? '—'}</td>
                  <td className="mono">
                    {span.method}
                    {span.tool ? ` ${span.tool}` : ''}
                  </td>
                  <td>{span.server ?? ''}</td>
                  <td>
                    <Badge kind={span.status} />
                  </td>
                  <td>{formatDuration(span.durationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.length === 0 && loaded && <p className="muted" style={{ padding: 12 }}>No traced requests yet.</p>}
        </div>
        <div className="detail-pane">{selected ? <TraceDetail /> : <p className="muted">Pick a request to see its timeline, request and response.</p>}</div>
      </div>
    </>
  );
}

function TraceDetail() {
  const detail = useApp((s) => s.traces.detail);
  const selected = useApp((s) => s.traces.selected);
  if (!detail) return <p className="muted">Loading {selected}…</p>;
  const root = detail.spans.find((span) => span.root) ?? detail.spans[0];
  return (
    <section className="stack" aria-label="Trace">
      {root && (
        <div className="row wrap">
          <h2 style={{ margin: 0 }} className="mono">
            {root.method} {root.tool ?? ''}
          </h2>
          <Badge kind={root.status} />
          <span className="muted">
            {formatTime(root.start, true)} · {formatDuration(root.durationMs)} · {root.client ?? 'unknown client'}
            {root.server ? ` → ${root.server}` : ''}
          </span>
        </div>
      )}
      {root?.error && <p className="error-text">{root.error}</p>}
      <div className="muted mono">trace {selected}</div>
      <Timeline spans={detail.spans} />
      {detail.logs.length > 0 && (
        <>
          <h3>Server lines during the call</h3>
          <ul className="plain-list" aria-label="Server lines">
            {detail.logs.map((line) => (
              <li key={line.id} className="mono">
                <span className="muted">{formatTime(line.time)}</span> {line.server ?? 'switchboard'}: {line.message}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Messages</h3>
      {detail.messages.length === 0 && <p className="muted">No messages recorded for this trace.</p>}
      {detail.messages.map((message) => (
        <MessageView key={message.id} message={message} />
      ))}
    </section>
  );
}

/** The spans as bars on one time axis, nested by parent. */
function Timeline({ spans }: { spans: Span[] }) {
  const ordered = useMemo(() => {
    const depth = new Map<string, number>();
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const depthOf = (span: Span): number => {
      if (depth.has(span.spanId)) return depth.get(span.spanId)!;
      const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
      const value = parent ? depthOf(parent) + 1 : 0;
      depth.set(span.spanId, value);
      return value;
    };
    return [...spans].sort((a, b) => a.start - b.start).map((span) => ({ span, depth: depthOf(span) }));
  }, [spans]);
  if (spans.length === 0) return null;
  const start = Math.min(...spans.map((span) => span.start));
  const end = Math.max(...spans.map((span) => span.start + span.durationMs));
  const total = Math.max(end - start, 0.001);
  return (
    <div className="timeline" role="list" aria-label="Timeline">
      {ordered.map(({ span, depth }) => (
        <div className="timeline-row" role="listitem" key={span.spanId}>
          <span className="ellipsis mono" style={{ paddingLeft: depth * 14 }} title={span.name}>
            {span.name}
          </span>
          <div className="timeline-track">
            <div className={`timeline-bar ${span.status}`} style={{ left: `${((span.start - start) / total) * 100}%`, width: `${(span.durationMs / total) * 100}%` }} />
            {span.events?.map((event, index) => (
              <span key={index} className={`timeline-event ${event.name}`} style={{ left: `${((event.time - start) / total) * 100}%` }} title={describeEvent(event, span.start)} />
            ))}
          </div>
          <span className="muted">{formatDuration(span.durationMs)}</span>
          {span.events && span.events.length > 0 && (
            <ul className="timeline-events plain-list" aria-label={`Events of ${span.name}`}>
              {span.events.map((event, index) => (
                <li key={index} className="muted mono" style={{ paddingLeft: depth * 14 + 14 }}>
                  {describeEvent(event, span.start)}
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
    </div>
  );
}

/** A span's event as a person reads it: `+12 ms progress 1/2 step 1`, `+300 ms cancelled: the person pressed stop`. */
function describeEvent(event: SpanEvent, spanStart: number): string {
  const at = `+${formatDuration(Math.max(0, event.time - spanStart))}`;
  const a = event.attributes ?? {};
  if (event.name === 'progress') return `${at} progress ${a.progress}${a.total !== undefined ? `/${a.total}` : ''}${a.message !== undefined ? ` ${a.message}` : ''}`;
  if (event.name === 'cancelled') return `${at} cancelled${a.reason !== undefined ? `: ${a.reason}` : ''}`;
  if (event.name === 'input_required') return `${at} the server asked for input (round ${a.round}, ${a.questions} questions)`;
  return `${at} ${event.name}`;
}

function MessageView({ message }: { message: MessageRecord }) {
  const label = `${message.hop === 'client' ? 'client ↔ gateway' : `gateway ↔ ${message.server ?? 'server'}`} · ${message.direction === 'in' ? 'received' : 'sent'}`;
  return (
    <details open={message.hop === 'client'} className="result-block">
      <summary>
        <strong>{message.method ?? 'response'}</strong> <span className="muted">{label}</span> <span className="muted mono">{formatTime(message.time)}</span>
      </summary>
      <JsonView value={message.body} />
    </details>
  );
}
