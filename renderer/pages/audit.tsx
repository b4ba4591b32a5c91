import { useEffect } from 'react';
import { AUDIT_DECISIONS, type AuditDecision, type AuditEntry } from '../../shared/access.ts';
import { Badge, formatDuration, formatTime } from '../components/common.tsx';
import { useApp } from '../store/index.ts';
import { useShallow } from 'zustand/react/shallow';

/** Which badge a decision wears: refusals stand out. */
const DECISION_KIND: Record<AuditDecision, string> = { allowed: 'ok', approved: 'ok', denied: 'error', limited: 'tool-error' };

/**
 * The audit trail: every call of every client and how it was decided (by policy, a rule, the person, the client,
 * a timeout, a limit), newest first, filtered by client and decision, and exported as JSONL.
 */
export function AuditPage() {
  const entries = useApp((s) => s.access.audit);
  const filter = useApp((s) => s.access.auditFilter);
  const clients = useApp((s) => s.access.clients);
  const { loadAudit, refresh } = useApp(useShallow((s) => ({ loadAudit: s.access.loadAudit, refresh: s.access.refresh })));
  useEffect(() => {
    void loadAudit();
    void refresh();
  }, [loadAudit, refresh]);

  return (
    <>
      <div className="page-header">
        <h1>Audit</h1>
        <select aria-label="Client" value={filter.client ?? ''} onChange={(event) => void loadAudit({ ...filter, client: event.target.value || undefined })}>
          <option value="">Every client</option>
          <option value="admin">admin (the window, the CLI)</option>
          {clients.map((client) => (
            <option key={client.name} value={client.name}>
              {client.name}
            </option>
          ))}
        </select>
        <select aria-label="Decision" value={filter.decision ?? ''} onChange={(event) => void loadAudit({ ...filter, decision: (event.target.value || undefined) as AuditDecision | undefined })}>
          <option value="">Any decision</option>
          {AUDIT_DECISIONS.map((decision) => (
            <option key={decision} value={decision}>
              {decision}
            </option>
          ))}
        </select>
        <span className="spacer" />
        <span className="muted">{entries.length} calls</span>
        <button type="button" disabled={entries.length === 0} onClick={() => download(entries)} title="One JSON object a line, oldest first">
          Export JSONL
        </button>
        <button type="button" onClick={() => void loadAudit()}>
          Refresh
        </button>
      </div>
      <div className="page-body" style={{ overflow: 'auto' }}>
        <table className="grid" aria-label="Audit trail">
          <thead>
            <tr>
              <th>Time</th>
              <th>Client</th>
              <th>Call</th>
              <th>Server</th>
              <th>Arguments</th>
              <th>Decision</th>
              <th>By</th>
              <th>Outcome</th>
              <th>Duration</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id} data-audit={entry.id} data-decision={entry.decision} title={entry.detail ?? undefined}>
                <td className="mono">{formatTime(entry.time, true)}</td>
                <td>{entry.client}</td>
                <td className="mono">
                  {entry.method} {entry.target ?? ''}
                </td>
                <td>{entry.server ?? ''}</td>
                <td className="mono ellipsis" style={{ maxWidth: 260 }} title={entry.argumentsHash ? `sha256 ${entry.argumentsHash}` : undefined}>
                  {entry.arguments ?? ''}
                </td>
                <td>
                  <Badge kind={DECISION_KIND[entry.decision]}>{entry.decision}</Badge>
                </td>
                <td>{entry.decidedBy}</td>
                <td>{entry.outcome ?? '—'}</td>
                <td>{formatDuration(entry.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {entries.length === 0 && <p className="muted" style={{ padding: 12 }}>No calls recorded for that yet. Every call of every client lands here, with how it was decided.</p>}
      </div>
    </>
  );
}

function download(entries: readonly AuditEntry[]): void {
  const text = [...entries].reverse().map((entry) => JSON.stringify(entry)).join('\n') + '\n';
  const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `switchboard-audit-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}.jsonl`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
