import { useEffect, useState } from 'react';
import { MCP_LOG_LEVELS, type LogItem } from '../../shared/contract.ts';
import type { Diagnosis, ServerStatus } from '../../shared/model.ts';
import { useBridge } from '../components/bridge-context.tsx';
import { Badge, CopyButton, formatTime, Modal } from '../components/common.tsx';
import { call } from '../store/call.ts';
import { useApp } from '../store/index.ts';

/**
 * One server up close, as a person testing it needs it: the connection doctor (each step checked, and the exact
 * command to run it by hand in the Terminal page), ping, the level of the log messages it sends, and its own lines.
 */
export function ServerDetail({ status, onClose }: { status: ServerStatus; onClose: () => void }) {
  const bridge = useBridge();
  const attempt = useApp((s) => s.app.attempt);
  const toast = useApp((s) => s.app.toast);
  const openTerminal = useApp((s) => s.terminals.open);
  const navigate = useApp((s) => s.app.navigate);
  const [diagnosis, setDiagnosis] = useState<Diagnosis | null>(null);
  const [pings, setPings] = useState<{ replica: string; ms: number | null; error: string | null }[] | null>(null);
  const [lines, setLines] = useState<LogItem[]>([]);
  const name = status.name;

  useEffect(() => {
    let live = true;
    void attempt('check the server', () => call(bridge, 'servers.diagnose', { name })).then((found) => live && found && setDiagnosis(found));
    void attempt('read its lines', () => call(bridge, 'logs.query', { filter: { source: 'logs', server: name }, limit: 50 })).then((page) => live && page && setLines(page.items));
    return () => {
      live = false;
    };
    // Checked again when its state changes (a restart, a fix).
  }, [bridge, attempt, name, status.state]);

  const ready = status.state === 'ready';
  return (
    <Modal title={`Server ${name}`} onClose={onClose} wide>
      <section className="stack" aria-label="Connection doctor">
        <div className="row wrap">
          <h3 style={{ margin: 0 }}>Connection</h3>
          <Badge kind={status.state} />
        </div>
        {!diagnosis && <p className="muted">Checking…</p>}
        {diagnosis && (
          <ul className="plain-list stack" aria-label="Checks">
            {diagnosis.checks.map((check) => (
              <li key={check.step} data-check={check.step} data-ok={check.ok}>
                <span className={check.ok ? 'ok-text' : 'error-text'}>{check.ok ? '✓' : '✕'}</span> <strong>{check.step}</strong>: {check.detail}
              </li>
            ))}
          </ul>
        )}
        {diagnosis?.reproduce && (
          <div className="stack">
            <span className="muted">To see what it does, run it by hand (secrets hidden):</span>
            <pre className="block mono" aria-label="Command to reproduce">
              cd {diagnosis.reproduce.cwd} && {diagnosis.reproduce.command}
            </pre>
            <div className="row">
              <CopyButton text={`cd ${diagnosis.reproduce.cwd} && ${diagnosis.reproduce.command}`} label="Copy command" />
              <button
                type="button"
                className="small"
                onClick={() => {
                  void openTerminal(name);
                  navigate('terminal');
                  onClose();
                }}
              >
                Open a terminal there
              </button>
            </div>
          </div>
        )}
        {diagnosis && diagnosis.stderr.length > 0 && (
          <details>
            <summary>Its last stderr lines</summary>
            <pre className="block mono">{diagnosis.stderr.join('\n')}</pre>
          </details>
        )}
      </section>
      <section className="row wrap" aria-label="Test the server">
        <button type="button" disabled={!ready} onClick={() => void attempt('ping it', () => call(bridge, 'servers.ping', { name })).then((found) => found && setPings(found))}>
          Ping
        </button>
        {pings && (
          <span data-testid="ping-result">
            {pings.map((each) => (each.ms !== null ? `${each.replica}: ${each.ms.toFixed(1)} ms` : `${each.replica}: ${each.error}`)).join(' · ')}
          </span>
        )}
        <span className="spacer" />
        <label className="row">
          Log messages from
          <select
            aria-label="Log level"
            disabled={!ready}
            defaultValue=""
            onChange={(event) => {
              const level = event.target.value as (typeof MCP_LOG_LEVELS)[number];
              if (level) void attempt('set its log level', () => call(bridge, 'servers.setLogLevel', { name, level })).then((done) => done === null && toast('info', `${name} now sends its log messages from ${level} up`));
            }}
          >
            <option value="">(as it starts)</option>
            {MCP_LOG_LEVELS.map((level) => (
              <option key={level} value={level}>
                {level}
              </option>
            ))}
          </select>
        </label>
      </section>
      <section aria-label="Its lines" className="stack">
        <h3 style={{ margin: 0 }}>Its lines</h3>
        {lines.length === 0 && <p className="muted">No lines yet.</p>}
        <div className="block mono" style={{ maxHeight: 240, overflow: 'auto' }}>
          {lines.map((line) =>
            line.kind === 'log' ? (
              <div key={line.id} className={`log-row-static ${line.level}`}>
                <span className="muted">{formatTime(line.time)}</span> {line.stream} {line.message}
              </div>
            ) : null,
          )}
        </div>
      </section>
    </Modal>
  );
}
