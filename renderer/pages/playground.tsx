import { useEffect, useMemo, useState } from 'react';
import { toJsonRpcCall, type HistoryEntry, type ToolInfo } from '../../shared/contract.ts';
import { Badge, CopyButton, formatDuration, formatTime, JsonView, moveFocusInList, ServerFilter } from '../components/common.tsx';
import { hasNoFields, SchemaForm, schemaProblems } from '../components/schema-form.tsx';
import { useApp } from '../store/index.ts';
import { EMPTY_DRAFT, type PlaygroundTab } from '../store/playground.ts';
import { ContentView, ResultView } from './result-view.tsx';
import { NotificationsTab } from './playground-notifications.tsx';
import { PromptsTab, ResourcesTab } from './playground-resources.tsx';
import { useShallow } from 'zustand/react/shallow';

const TABS: { id: PlaygroundTab; label: string }[] = [
  { id: 'tools', label: 'Tools' },
  { id: 'resources', label: 'Resources' },
  { id: 'prompts', label: 'Prompts' },
  { id: 'notifications', label: 'Notifications' },
  { id: 'history', label: 'History' },
];

export function PlaygroundPage() {
  const tab = useApp((s) => s.playground.tab);
  const setTab = useApp((s) => s.playground.setTab);
  const tools = useApp((s) => s.catalog.catalog.tools);
  return (
    <>
      <div className="page-header">
        <h1>Playground</h1>
        <div className="tabs" role="tablist" aria-label="Playground">
          {TABS.map((item) => (
            <button key={item.id} type="button" role="tab" aria-selected={tab === item.id} onClick={() => setTab(item.id)}>
              {item.label}
            </button>
          ))}
        </div>
        <span className="spacer" />
        <ActAs />
        <span className="muted">{tools.length} tools through the gateway</span>
      </div>
      <div className="page-body" style={{ padding: 0 }}>
        {tab === 'tools' && <ToolsTab />}
        {tab === 'resources' && <ResourcesTab />}
        {tab === 'prompts' && <PromptsTab />}
        {tab === 'notifications' && <NotificationsTab />}
        {tab === 'history' && <HistoryTab />}
      </div>
    </>
  );
}

function annotationBadges(tool: ToolInfo) {
  const a = tool.annotations ?? {};
  const badges: [string, string][] = [];
  if (a.readOnlyHint) badges.push(['ok', 'read-only']);
  if (a.destructiveHint) badges.push(['error', 'destructive']);
  if (a.idempotentHint) badges.push(['', 'idempotent']);
  if (a.openWorldHint) badges.push(['warn', 'open world']);
  return badges;
}

function ToolsTab() {
  const tools = useApp((s) => s.catalog.catalog.tools);
  const search = useApp((s) => s.playground.search);
  const server = useApp((s) => s.playground.server);
  const selected = useApp((s) => s.playground.selected);
  const { setSearch, setServer, select } = useApp(useShallow((s) => ({ setSearch: s.playground.setSearch, setServer: s.playground.setServer, select: s.playground.select })));
  const asView = useApp((s) => s.playground.asView);
  const servers = useMemo(() => [...new Set(tools.map((tool) => tool.server))].sort(), [tools]);
  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase();
    // Acting as a client: only what it sees.
    const visible = asView ? new Set(asView.tools) : undefined;
    return tools.filter((tool) => (!visible || visible.has(tool.name)) && (!server || tool.server === server) && (!needle || tool.name.toLowerCase().includes(needle) || (tool.description ?? '').toLowerCase().includes(needle) || (tool.title ?? '').toLowerCase().includes(needle)));
  }, [tools, search, server, asView]);
  const tool = tools.find((item) => item.name === selected);
  return (
    <div className="split">
      <div className="list-pane">
        <div className="filters">
          <input type="search" data-search aria-label="Search tools" placeholder="Search name and description  (/)" value={search} onChange={(event) => setSearch(event.target.value)} />
          <ServerFilter label="Filter by server" names={servers} value={server || undefined} onChange={(next) => setServer(next ?? '')} />
        </div>
        <ul aria-label="Tools" role="listbox" onKeyDown={moveFocusInList}>
          {shown.map((item) => (
            <li key={item.name}>
              <button type="button" role="option" aria-selected={item.name === selected} data-tool={item.name} onClick={() => select(item.name)}>
                <span className="item-name" style={{ wordBreak: 'break-all' }}>
                  {item.name}
                </span>
                <span className="item-desc">
                  {annotationBadges(item).map(([kind, label]) => (
                    <span key={label} className={`badge ${kind}`} style={{ marginRight: 4 }}>
                      {label}
                    </span>
                  ))}
                  {item.description}
                </span>
              </button>
            </li>
          ))}
          {shown.length === 0 && <li className="muted" style={{ padding: 10 }}>No tool matches.</li>}
        </ul>
      </div>
      <div className="detail-pane">{tool ? <ToolDetail key={tool.name} tool={tool} /> : <p className="muted">Pick a tool to call it.</p>}</div>
    </div>
  );
}

function ToolDetail({ tool }: { tool: ToolInfo }) {
  const draft = useApp((s) => s.playground.drafts[tool.name] ?? EMPTY_DRAFT);
  const run = useApp((s) => s.playground.runs[tool.name]);
  const { setValues, setRaw, setMode, run: runTool, cancel, setTimeout: setTimeoutOf } = useApp(useShallow((s) => ({ setValues: s.playground.setValues, setRaw: s.playground.setRaw, setMode: s.playground.setMode, run: s.playground.run, cancel: s.playground.cancel, setTimeout: s.playground.setTimeout })));
  const noFields = hasNoFields(tool.inputSchema);
  const problems = useMemo(() => (draft.rawError ? [] : schemaProblems(tool.inputSchema, draft.values)), [tool.inputSchema, draft.values, draft.rawError]);
  return (
    <div
      className="stack"
      onKeyDown={(event) => {
        if (event.key !== 'Enter' || event.nativeEvent.isComposing) return;
        // Ctrl+Enter anywhere (the JSON too); plain Enter in a one-line field, as a form submits.
        if (event.ctrlKey || event.metaKey || (!event.shiftKey && !event.altKey && isOneLineField(event.target))) {
          event.preventDefault();
          void runTool(tool.name);
        }
      }}
    >
      <div>
        <h2 style={{ marginBottom: 2 }}>{tool.title ?? tool.name}</h2>
        <div className="row wrap">
          <span className="mono">{tool.name}</span>
          <span className="muted">
            on <strong>{tool.server}</strong> as {tool.originalName}
          </span>
          {annotationBadges(tool).map(([kind, label]) => (
            <span key={label} className={`badge ${kind}`}>
              {label}
            </span>
          ))}
        </div>
      </div>
      {tool.description && <p style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{tool.description}</p>}
      <details>
        <summary>Input schema</summary>
        <JsonView value={tool.inputSchema} label="Input schema" />
      </details>
      {tool.outputSchema && (
        <details>
          <summary>Output schema</summary>
          <JsonView value={tool.outputSchema} label="Output schema" />
        </details>
      )}
      {tool.annotations && (
        <details>
          <summary>Annotations</summary>
          <JsonView value={tool.annotations} />
        </details>
      )}
      <div className="card stack" aria-label="Arguments">
        <div className="row">
          <strong>Arguments</strong>
          <span className="spacer" />
          <div className="segmented" role="group" aria-label="Edit arguments as">
            <button type="button" aria-pressed={draft.mode === 'form'} onClick={() => setMode(tool.name, 'form')}>
              Form
            </button>
            <button type="button" aria-pressed={draft.mode === 'json'} onClick={() => setMode(tool.name, 'json')}>
              JSON
            </button>
          </div>
        </div>
        {draft.mode === 'form' ? (
          noFields ? (
            <p className="muted" style={{ margin: 0 }}>
              This tool takes no arguments.
            </p>
          ) : (
            <>
              {draft.rawError && <p className="warn-text">The JSON does not parse ({draft.rawError}); the form shows the last good arguments.</p>}
              <SchemaForm schema={tool.inputSchema} values={draft.values} onChange={(values, byPerson) => setValues(tool.name, values, byPerson)} idPrefix={`arg-${tool.name}`} />
            </>
          )
        ) : (
          <>
            <textarea className="mono" rows={10} aria-label="Arguments as JSON" spellCheck={false} value={draft.raw} onChange={(event) => setRaw(tool.name, event.target.value)} />
            {draft.rawError && <p className="error-text">{draft.rawError}</p>}
          </>
        )}
        <div className="row">
          <button type="button" className="primary" disabled={run?.running} onClick={() => void runTool(tool.name)} title="Ctrl+Enter">
            Run
          </button>
          {run?.running && (
            <button type="button" onClick={() => void cancel(tool.name)}>
              Cancel
            </button>
          )}
          <label className="row muted" title="This call's own deadline; empty: the server's timeoutMs">
            Timeout
            <input
              type="number"
              min={0.1}
              step={0.1}
              style={{ width: 72 }}
              aria-label="Timeout in seconds"
              placeholder="server's"
              value={draft.timeoutSeconds ?? ''}
              onChange={(event) => setTimeoutOf(tool.name, event.target.value === '' ? undefined : Number(event.target.value))}
            />
            s
          </label>
          <CopyButton text={() => toJsonRpcCall(tool.name, draft.values)} label="Copy as JSON-RPC" />
          <span className="muted">Enter in a field or Ctrl+Enter runs</span>
        </div>
        {/* Said once the person has started, or tried to run: not on a form nobody touched. */}
        {problems.length > 0 && (draft.touched || run !== undefined) && (
          <p className="warn-text" role="status" style={{ margin: 0 }}>
            Not what the schema asks: {problems.slice(0, 3).join('; ')}
            {problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}. Run sends the arguments anyway.
          </p>
        )}
        {run?.running && <Progress progress={run.progress} startedAt={run.startedAt} />}
      </div>
      {run && <ResultView run={run} args={draft.values} />}
    </div>
  );
}

/** A text, number, date… input: where Enter means "done" rather than a new line or a toggle. */
function isOneLineField(target: EventTarget): boolean {
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'color', 'range'].includes(target.type);
}

function Progress({ progress, startedAt }: { progress: { progress: number; total?: number; message?: string } | null; startedAt: number }) {
  const fraction = progress?.total ? Math.min(1, progress.progress / progress.total) : undefined;
  return (
    <div className="stack" role="status" aria-label="Running">
      <div className={`progress${fraction === undefined ? ' indeterminate' : ''}`} role="progressbar" aria-valuenow={progress?.progress} aria-valuemax={progress?.total}>
        <div style={fraction === undefined ? undefined : { width: `${fraction * 100}%` }} />
      </div>
      <span className="muted">
        Running since {formatTime(startedAt)}
        {progress ? ` · ${progress.progress}${progress.total ? ` / ${progress.total}` : ''}${progress.message ? ` · ${progress.message}` : ''}` : ''}
      </span>
    </div>
  );
}

function HistoryTab() {
  const entries = useApp((s) => s.history.entries);
  const { get: getEntry, clear } = useApp(useShallow((s) => ({ get: s.history.get, clear: s.history.clear })));
  const { restore, run } = useApp(useShallow((s) => ({ restore: s.playground.restore, run: s.playground.run })));
  const navigate = useApp((s) => s.app.navigate);
  const selectTrace = useApp((s) => s.traces.select);
  const [selected, setSelected] = useState<HistoryEntry | null>(null);
  return (
    <div className="split">
      <div className="list-pane">
        <div className="filters row">
          <span className="muted grow">{entries.length} {entries.length === 1 ? 'call' : 'calls'}</span>
          <button type="button" className="small" disabled={entries.length === 0} onClick={() => confirm('Clear the whole call history?') && void clear()}>
            Clear
          </button>
        </div>
        <ul aria-label="History" role="listbox" onKeyDown={moveFocusInList}>
          {entries.map((entry) => (
            <li key={entry.id}>
              <button type="button" role="option" aria-selected={selected?.id === entry.id} data-history={entry.tool} onClick={() => void getEntry(entry.id).then((full) => full && setSelected(full))}>
                <span className="item-name">
                  <span className="ellipsis">{entry.tool}</span> <Badge kind={entry.status} />
                </span>
                <span className="item-desc">
                  {formatTime(entry.time, true)} · {formatDuration(entry.durationMs)} · {JSON.stringify(entry.arguments)}
                </span>
              </button>
            </li>
          ))}
          {entries.length === 0 && <li className="muted" style={{ padding: 10 }}>No calls yet.</li>}
        </ul>
      </div>
      <div className="detail-pane">
        {selected ? (
          <div className="stack">
            <div className="row wrap">
              <h2 style={{ margin: 0 }} className="mono">
                {selected.tool}
              </h2>
              <Badge kind={selected.status} />
              <span className="muted">
                {formatTime(selected.time, true)} · {formatDuration(selected.durationMs)}
              </span>
            </div>
            <div className="row wrap">
              <button
                type="button"
                className="primary"
                onClick={() => {
                  restore(selected);
                  void run(selected.tool);
                }}
              >
                Re-run
              </button>
              <button type="button" onClick={() => restore(selected)}>
                Edit and run
              </button>
              <CopyButton text={() => toJsonRpcCall(selected.tool, selected.arguments)} label="Copy as JSON-RPC" className="" />
              {selected.traceId && (
                <button
                  type="button"
                  onClick={() => {
                    void selectTrace(selected.traceId);
                    navigate('traces');
                  }}
                >
                  Open trace
                </button>
              )}
            </div>
            <h3>Arguments</h3>
            <JsonView value={selected.arguments} />
            {selected.error && <p className="error-text">{selected.error}</p>}
            {selected.result && (
              <>
                <h3>Result{selected.truncated ? ' (large parts not kept)' : ''}</h3>
                {selected.result.content.map((block, index) => (
                  <ContentView key={index} block={block} />
                ))}
                {selected.result.structuredContent !== undefined && <JsonView value={selected.result.structuredContent} label="structuredContent" />}
              </>
            )}
          </div>
        ) : (
          <p className="muted">Pick a call to see it, re-run it or copy it as JSON-RPC.</p>
        )}
      </div>
    </div>
  );
}

/** Acts as one of the endpoint's clients: the tool list narrows to what it sees, and its calls go through its policy. */
function ActAs() {
  const as = useApp((s) => s.playground.as);
  const view = useApp((s) => s.playground.asView);
  const setAs = useApp((s) => s.playground.setAs);
  const clients = useApp((s) => s.access.clients);
  const refresh = useApp((s) => s.access.refresh);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return (
    <label className="row" title="Calls are made as this client: its profile, policy (ask, deny) and limits apply, as they do for it">
      <span className="muted">As</span>
      <select aria-label="Act as client" value={as ?? ''} onChange={(event) => void setAs(event.target.value || null)}>
        <option value="">admin (sees everything)</option>
        {clients
          .filter((client) => client.revokedAt === null)
          .map((client) => (
            <option key={client.name} value={client.name}>
              {client.name}
            </option>
          ))}
      </select>
      {as && view && <span className="muted" data-testid="as-view">{view.tools.length} tools visible</span>}
    </label>
  );
}
