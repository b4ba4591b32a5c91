import { useEffect, useState } from 'react';
import type { ClientTarget } from '../../shared/contract.ts';
import { CopyButton, copyText, formatTime } from '../components/common.tsx';
import { useApp } from '../store/index.ts';
import { AccessSection } from './access-section.tsx';
import { useShallow } from 'zustand/react/shallow';

const TOKEN_MASK = '•'.repeat(24);

export function ClientsPage() {
  const info = useApp((s) => s.clients.info);
  const mode = useApp((s) => s.clients.mode);
  const { refresh, setMode, regenerateToken, loadExport } = useApp(useShallow((s) => ({ refresh: s.clients.refresh, setMode: s.clients.setMode, regenerateToken: s.clients.regenerateToken, loadExport: s.clients.loadExport })));
  const [revealed, setRevealed] = useState(false);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  useEffect(() => {
    for (const client of info?.clients ?? []) void loadExport(client.id);
    // Exports depend on the list of clients only (a mode change reloads them itself).
  }, [info?.clients.length, loadExport]);

  return (
    <>
      <div className="page-header">
        <h1>Clients</h1>
        <span className="spacer" />
        <button type="button" onClick={() => void refresh()}>
          Refresh
        </button>
      </div>
      <div className="page-body stack">
        <section className="card stack" aria-label="Endpoint">
          <div className="row wrap">
            <strong style={{ width: 80 }}>Endpoint</strong>
            <code data-testid="endpoint">{info?.endpoint}</code>
            {info && <CopyButton text={info.endpoint} />}
          </div>
          <div className="row wrap">
            <strong style={{ width: 80 }}>Token</strong>
            <code data-testid="token">{info ? (revealed ? info.token : TOKEN_MASK) : ''}</code>
            <button type="button" className="small" onClick={() => setRevealed(!revealed)}>
              {revealed ? 'Hide' : 'Show'}
            </button>
            {info && <CopyButton text={info.token} />}
            <button
              type="button"
              className="small danger"
              disabled={!info || info.tokenFromEnv}
              title={info?.tokenFromEnv ? 'The token comes from SWITCHBOARD_TOKEN' : undefined}
              onClick={() => confirm('Make a new token? Every client configured with the old one stops working until updated.') && void regenerateToken()}
            >
              Regenerate
            </button>
          </div>
          <p className="muted" style={{ margin: 0 }}>
            The admin token: the window, the CLI and the stdio bridge use it, and it sees everything. Give each AI client its own token below instead: Install and Copy make one for it (a remote entry carries it; Claude Desktop’s bridge reads this one from the data dir and acts as its client, so a rotation never breaks it).
          </p>
        </section>

        <AccessSection />

        <section className="stack" aria-label="Sessions">
          <h2>Client sessions (last 24 h)</h2>
          {info && info.sessions.length === 0 && <p className="muted">No client has called the gateway yet.</p>}
          {info && info.sessions.length > 0 && (
            <table className="grid">
              <thead>
                <tr>
                  <th>Client</th>
                  <th>Session</th>
                  <th>First seen</th>
                  <th>Last seen</th>
                  <th>Requests</th>
                  <th>Active</th>
                </tr>
              </thead>
              <tbody>
                {info.sessions.map((session) => (
                  <tr key={`${session.session}-${session.client}`}>
                    <td>{session.client ?? 'unknown'}</td>
                    <td className="mono">{session.session ?? '(sessionless)'}</td>
                    <td>{formatTime(session.firstSeen, true)}</td>
                    <td>{formatTime(session.lastSeen, true)}</td>
                    <td>{session.requests}</td>
                    <td>{session.active ? 'yes' : 'no'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <section className="stack" aria-label="Client configs">
          <div className="row">
            <h2 style={{ margin: 0 }}>Configure a client</h2>
            <div className="segmented" role="group" aria-label="Export mode">
              <button type="button" aria-pressed={mode === 'gateway'} onClick={() => setMode('gateway')} title="One entry: the client reaches every server through Switchboard">
                Through Switchboard
              </button>
              <button type="button" aria-pressed={mode === 'direct'} onClick={() => setMode('direct')} title="Every server, for the client to run itself">
                Servers directly
              </button>
            </div>
          </div>
          {info?.clients.map((client) => (
            <ClientCard key={client.id} client={client} token={revealed ? undefined : info?.token} />
          ))}
        </section>
      </div>
    </>
  );
}

/** A config as shown: the token masked unless the person chose Show (copy and install use the real one). */
function maskToken(text: string, token: string | undefined): string {
  return token ? text.split(token).join(TOKEN_MASK) : text;
}

function ClientCard({ client, token }: { client: ClientTarget; token: string | undefined }) {
  const exported = useApp((s) => s.clients.exports[client.id]);
  const install = useApp((s) => s.clients.install);
  return (
    <article className="card stack" aria-label={client.label} data-client={client.id}>
      <div className="row wrap">
        <h3 style={{ margin: 0 }}>{client.label}</h3>
        <span className="mono muted ellipsis grow" title={client.file}>
          {client.file} {client.exists ? '' : '(not there yet)'}
        </span>
        {exported && <CopyConfig client={client} text={exported.text} />}
        <button
          type="button"
          className="small primary"
          disabled={!exported}
          onClick={() => confirm(`Merge this into ${client.file}? The file is backed up first; its other servers are kept.`) && void install(client.id)}
        >
          Install
        </button>
      </div>
      {exported ? <pre className="json" aria-label={`${client.label} config`}>{maskToken(exported.text, token)}</pre> : <p className="muted">Loading…</p>}
      {exported?.warnings.map((warning) => (
        <p key={warning} className="warn-text" style={{ margin: 0 }}>
          {warning}
        </p>
      ))}
    </article>
  );
}

/**
 * Copies the config. Through Switchboard, the entry acts as a client of its own: copying makes that client (or a new
 * token of it, for an entry that carries one), so what is copied works as it is.
 */
function CopyConfig({ client, text }: { client: ClientTarget; text: string }) {
  const mode = useApp((s) => s.clients.mode);
  const mint = useApp((s) => s.clients.mintExport);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  const remote = client.id !== 'claude-desktop';
  return (
    <button
      type="button"
      className="small"
      onClick={() => {
        if (mode === 'direct') return void copyText(text).then(() => setCopied(true));
        if (remote && !confirm(`Copying makes a new token for the Switchboard client "${client.id}": a config with its old token stops working. Go on?`)) return;
        void mint(client.id).then((minted) => (minted === undefined ? undefined : copyText(minted).then(() => setCopied(true))));
      }}
    >
      {copied ? 'Copied' : 'Copy config'}
    </button>
  );
}
