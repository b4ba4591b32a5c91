import { useState } from 'react';
import type { ServerEntryView } from '../../shared/contract.ts';
import type { ServerStatus } from '../../shared/model.ts';
import { Badge, formatDuration, useNow } from '../components/common.tsx';
import { ServerDetail } from './server-detail.tsx';
import { useApp } from '../store/index.ts';
import type { ServerAction } from '../store/servers.ts';
import { ImportDialog } from './import-dialog.tsx';
import { ServerForm } from './server-form.tsx';

type Editing = { mode: 'add' } | { mode: 'edit'; entry: ServerEntryView };

export function ServersPage() {
  const statuses = useApp((s) => s.servers.statuses);
  const config = useApp((s) => s.servers.config);
  const problems = useApp((s) => s.servers.configProblems);
  const firstRun = useApp((s) => s.servers.firstRun);
  const answerFirstRun = useApp((s) => s.servers.answerFirstRun);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [importing, setImporting] = useState(false);
  const entries = new Map(config?.servers.map((entry) => [entry.name, entry]));

  return (
    <>
      <div className="page-header">
        <h1>Servers</h1>
        <span className="muted ellipsis" title={config?.path}>
          {config?.path}
        </span>
        <span className="spacer" />
        <button type="button" onClick={() => setImporting(true)}>
          Import…
        </button>
        <button type="button" className="primary" onClick={() => setEditing({ mode: 'add' })}>
          Add server
        </button>
      </div>
      <div className="page-body">
        {firstRun && (
          <div className="banner" role="region" aria-label="Import from Claude Desktop">
            <p style={{ marginTop: 0 }}>
              Claude Desktop’s config ({firstRun.file}) has {firstRun.servers.length} server{firstRun.servers.length === 1 ? '' : 's'} Switchboard does not run yet:{' '}
              <strong>{firstRun.servers.join(', ')}</strong>. Import {firstRun.servers.length === 1 ? 'it' : 'them'}, so {firstRun.servers.length === 1 ? 'it runs' : 'they run'} once here for every client?
            </p>
            <div className="row">
              <button type="button" className="primary" onClick={() => void answerFirstRun(true)}>
                {firstRun.servers.length === 1 ? 'Import it' : 'Import them'}
              </button>
              <button type="button" onClick={() => void answerFirstRun(false)}>
                Not now
              </button>
            </div>
          </div>
        )}
        {problems.length > 0 && (
          <div className="banner error" role="alert">
            <strong>mcp.json was edited but cannot be used; the last good config keeps running.</strong>
            <pre className="block" style={{ marginTop: 6 }}>
              {problems.join('\n')}
            </pre>
          </div>
        )}
        {statuses.length === 0 ? (
          <p className="muted">No servers yet. Add one, or import a client’s config.</p>
        ) : (
          <ServerTable statuses={statuses} entries={entries} onEdit={(entry) => setEditing({ mode: 'edit', entry })} />
        )}
      </div>
      {editing && <ServerForm key={editing.mode === 'edit' ? editing.entry.name : '+'} original={editing.mode === 'edit' ? editing.entry : null} onClose={() => setEditing(null)} />}
      {importing && <ImportDialog onClose={() => setImporting(false)} />}
    </>
  );
}

function ServerTable({ statuses, entries, onEdit }: { statuses: ServerStatus[]; entries: Map<string, ServerEntryView>; onEdit: (entry: ServerEntryView) => void }) {
  const now = useNow(1000);
  const busy = useApp((s) => s.servers.busy);
  const act = useApp((s) => s.servers.act);
  const openTerminal = useApp((s) => s.terminals.open);
  const navigate = useApp((s) => s.app.navigate);
  const run = (action: ServerAction, name: string) => {
    if (action === 'remove' && !confirm(`Remove ${name} from mcp.json? Its process stops.`)) return;
    void act(action, name);
  };
  const [detail, setDetail] = useState<string | null>(null);
  const detailStatus = detail ? statuses.find((status) => status.name === detail) : undefined;
  return (
    <>
    {detailStatus && <ServerDetail status={detailStatus} onClose={() => setDetail(null)} />}
    <table className="grid" aria-label="Servers">
      <thead>
        <tr>
          <th>Server</th>
          <th>State</th>
          <th>Tools</th>
          <th>Replicas</th>
          <th>Uptime</th>
          <th>Restarts</th>
          <th>Last error</th>
          <th>Actions</th>
        </tr>
      </thead>
      <tbody>
        {statuses.map((status) => {
          const entry = entries.get(status.name);
          const replicas = typeof entry?.entry.replicas === 'number' ? entry.entry.replicas : 1;
          const disabled = status.state === 'disabled';
          const running = status.state === 'ready' || status.state === 'starting' || status.state === 'restarting';
          const pending = busy[status.name];
          return (
            <tr key={status.name} data-server={status.name} data-state={status.state}>
              <td>
                <strong>{status.name}</strong>
                <div className="muted mono ellipsis" style={{ maxWidth: 260 }} title={describeCommand(entry)}>
                  {describeCommand(entry)}
                </div>
              </td>
              <td>
                <Badge kind={status.state} />
                {status.state === 'restarting' && status.nextRestartAt && <div className="muted">retry in {formatDuration(Math.max(0, status.nextRestartAt - now))}</div>}
                {status.state === 'ready' && status.breaker && status.breaker !== 'closed' && (
                  <div className="error-text" data-breaker={status.breaker} title="Repeated timeouts or lost connections: calls to this server are refused for a while, then one is tried again.">
                    {status.breaker === 'open' ? 'failing: calls refused for now' : 'failing: trying one call'}
                  </div>
                )}
              </td>
              <td>{status.tools}</td>
              <td>{replicas}</td>
              {/* The clock of this page is read once a second: a server ready since a moment ago is not "-879 ms" up. */}
              <td className="nowrap">{status.readySince && status.state === 'ready' ? formatDuration(Math.max(0, now - status.readySince)) : '—'}</td>
              <td>{status.restarts}</td>
              <td className="error-text" style={{ maxWidth: 320 }}>
                {/* A disabled server's last error is history, not a problem now. */}
                {status.state !== 'disabled' && (status.lastError ?? '')}
                {status.state === 'crash-loop' && (
                  <div className="muted" data-recover="crash-loop">
                    It kept crashing, so it is not restarted again: read its log (Logs page), fix the cause, then Start.
                  </div>
                )}
                {(status.droppedLines ?? 0) > 0 && (
                  <div className="muted" data-dropped={status.droppedLines} title="Lines of stderr or stray stdout beyond the rate limit are counted, not kept.">
                    {status.droppedLines!.toLocaleString()} log lines dropped (too many per second)
                  </div>
                )}
              </td>
              <td>
                <div className="row wrap" aria-busy={pending !== undefined}>
                  {!disabled && !running && (
                    <button type="button" className="small" disabled={!!pending} onClick={() => run('start', status.name)}>
                      Start
                    </button>
                  )}
                  {running && (
                    <button type="button" className="small" disabled={!!pending} onClick={() => run('stop', status.name)}>
                      Stop
                    </button>
                  )}
                  {!disabled && (
                    <button type="button" className="small" disabled={!!pending} onClick={() => run('restart', status.name)}>
                      Restart
                    </button>
                  )}
                  <button type="button" className="small" disabled={!!pending} onClick={() => run(disabled ? 'enable' : 'disable', status.name)}>
                    {disabled ? 'Enable' : 'Disable'}
                  </button>
                  <button type="button" className="small" title="Why it does (not) connect, ping, its log level and lines" onClick={() => setDetail(status.name)}>
                    Details
                  </button>
                  {entry && (
                    <button type="button" className="small" onClick={() => onEdit(entry)}>
                      Edit
                    </button>
                  )}
                  {entry?.entry.command !== undefined && (
                    <button
                      type="button"
                      className="small"
                      title="A shell in this server's folder with its environment"
                      onClick={() => {
                        void openTerminal(status.name);
                        navigate('terminal');
                      }}
                    >
                      Terminal
                    </button>
                  )}
                  <button type="button" className="small danger" disabled={!!pending} onClick={() => run('remove', status.name)}>
                    Remove
                  </button>
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
    </>
  );
}

function describeCommand(entry: ServerEntryView | undefined): string {
  if (!entry) return '';
  if (typeof entry.entry.url === 'string') return entry.entry.url;
  const args = Array.isArray(entry.entry.args) ? entry.entry.args.map(String) : [];
  return [String(entry.entry.command ?? ''), ...args].join(' ');
}
