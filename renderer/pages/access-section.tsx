import { useEffect, useState } from 'react';
import { CLIENT_NAME, ProfileSchema, type Profile } from '../../shared/access.ts';
import type { AccessClient } from '../../shared/contract.ts';
import { CopyButton, formatTime, Modal } from '../components/common.tsx';
import { useApp } from '../store/index.ts';
import { useShallow } from 'zustand/react/shallow';

const list = (value: string) => value.split(',').map((item) => item.trim()).filter(Boolean);

/** What a profile lets its client see and do, in a few words. */
export function describeProfile(profile: Profile): string {
  const parts = [profile.servers ? `servers: ${profile.servers.join(', ') || 'none'}` : 'every server', profile.tools ? `tools: ${profile.tools.join(', ') || 'none'}` : 'every tool'];
  if (profile.rules?.length) parts.push(profile.rules.map((rule) => `${rule.decision} ${rule.tool}`).join(', '));
  if (profile.askVia === 'client') parts.push('asks through the client');
  return parts.join(' · ');
}

function usageText(client: AccessClient): string {
  const parts = [
    client.usage.perMinute && `${client.usage.perMinute.used}/${client.usage.perMinute.limit} this minute`,
    client.usage.perDay && `${client.usage.perDay.used}/${client.usage.perDay.limit} today`,
    client.usage.inFlight && `${client.usage.inFlight.used}/${client.usage.inFlight.limit} running`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'no limits';
}

/**
 * The endpoint's clients, each with its own token and profile: add one (its token shown once), edit what it sees and
 * may do, rotate its token, revoke it. The token is never shown again after it was made.
 */
export function AccessSection() {
  const clients = useApp((s) => s.access.clients);
  const fresh = useApp((s) => s.access.fresh);
  const { refresh, add, rotate, revoke, remove, dismissFresh } = useApp(useShallow((s) => ({ refresh: s.access.refresh, add: s.access.add, rotate: s.access.rotate, revoke: s.access.revoke, remove: s.access.remove, dismissFresh: s.access.dismissFresh })));
  const [name, setName] = useState('');
  const [servers, setServers] = useState('');
  const [tools, setTools] = useState('');
  const [editing, setEditing] = useState<AccessClient | null>(null);
  useEffect(() => {
    void refresh();
    // Limits' counters move: read them again every few seconds while the page is open.
    const timer = setInterval(() => void refresh(), 5000);
    return () => clearInterval(timer);
  }, [refresh]);
  const nameProblem = name === '' ? null : !CLIENT_NAME.test(name) ? 'letters, digits, ".", "_" or "-"' : name === 'admin' || clients.some((c) => c.name === name) ? 'that name is taken' : null;

  return (
    <section className="stack" aria-label="Access">
      <h2 style={{ margin: 0 }}>Clients with their own token</h2>
      {fresh && (
        <div className="banner" role="status" data-testid="fresh-token">
          <div className="stack" style={{ flex: 1 }}>
            <strong>The token of {fresh.client.name}, shown only now</strong>
            <code className="mono" style={{ wordBreak: 'break-all' }}>
              {fresh.token}
            </code>
          </div>
          <CopyButton text={fresh.token} label="Copy token" />
          <button type="button" className="small" onClick={dismissFresh}>
            Done
          </button>
        </div>
      )}
      <form
        className="row wrap"
        onSubmit={(event) => {
          event.preventDefault();
          if (name === '' || nameProblem) return;
          const profile: Profile = { ...(servers.trim() ? { servers: list(servers) } : {}), ...(tools.trim() ? { tools: list(tools) } : {}) };
          void add(name, profile).then((made) => {
            if (!made) return;
            setName('');
            setServers('');
            setTools('');
          });
        }}
      >
        <label className="field">
          <span>Name</span>
          <input aria-label="Client name" placeholder="cursor-work" value={name} onChange={(event) => setName(event.target.value)} aria-invalid={nameProblem !== null} />
        </label>
        <label className="field">
          <span>Servers (globs; empty: all)</span>
          <input aria-label="Servers it sees" placeholder="github, notes*" value={servers} onChange={(event) => setServers(event.target.value)} />
        </label>
        <label className="field">
          <span>Tools (globs; empty: all)</span>
          <input aria-label="Tools it sees" placeholder="github__list_*, notes/read_*" value={tools} onChange={(event) => setTools(event.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={name === '' || nameProblem !== null}>
          Add client
        </button>
        {nameProblem && <span className="warn-text">{nameProblem}</span>}
      </form>
      {clients.length === 0 ? (
        <p className="muted">No client has a token of its own yet: every client uses the admin token above, and sees everything.</p>
      ) : (
        <table className="grid" aria-label="Clients with their own token">
          <thead>
            <tr>
              <th>Client</th>
              <th>Token</th>
              <th>Sees and may do</th>
              <th>Limits</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {clients.map((client) => (
              <tr key={client.name} data-access-client={client.name} data-revoked={client.revokedAt !== null ? 'true' : 'false'}>
                <td>
                  <strong>{client.name}</strong>
                  {client.revokedAt !== null && <span className="warn-text"> (revoked)</span>}
                </td>
                <td className="mono">{client.tokenHint}</td>
                <td className="ellipsis" style={{ maxWidth: 360 }} title={describeProfile(client.profile)}>
                  {describeProfile(client.profile)}
                </td>
                <td>{usageText(client)}</td>
                <td>{client.lastUsedAt ? formatTime(client.lastUsedAt, true) : 'never'}</td>
                <td className="row">
                  <button type="button" className="small" onClick={() => setEditing(client)}>
                    Edit
                  </button>
                  <button type="button" className="small" onClick={() => confirm(`A new token for ${client.name}? Its current token stops working now.`) && void rotate(client.name)}>
                    {client.revokedAt !== null ? 'New token' : 'Rotate'}
                  </button>
                  {client.revokedAt === null && (
                    <button type="button" className="small danger" onClick={() => confirm(`Revoke ${client.name}? Its token is refused from its next request.`) && void revoke(client.name)}>
                      Revoke
                    </button>
                  )}
                  <button type="button" className="small danger" onClick={() => confirm(`Remove ${client.name}? Its calls stay in the audit trail.`) && void remove(client.name)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing && <ProfileEditor client={editing} onClose={() => setEditing(null)} />}
    </section>
  );
}

/**
 * A profile as JSON, checked as it is typed (the same schema the core checks): servers, tools, prompts, resources
 * (globs), rules (allow / ask / deny), askVia, askTimeoutSeconds, limits and toolLimits.
 */
function ProfileEditor({ client, onClose }: { client: AccessClient; onClose: () => void }) {
  const setProfile = useApp((s) => s.access.setProfile);
  const [text, setText] = useState(() => JSON.stringify(client.profile, null, 2));
  const [seen, setSeen] = useState<{ tools: string[] } | null>(null);
  let problem: string | null = null;
  let parsed: Profile | undefined;
  try {
    const result = ProfileSchema.safeParse(JSON.parse(text));
    if (result.success) parsed = result.data;
    else problem = result.error.issues.map((issue) => `${issue.path.join('.') || 'profile'}: ${issue.message}`).join('; ');
  } catch (error) {
    problem = `not JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  return (
    <Modal
      title={`What ${client.name} sees and may do`}
      wide
      onClose={onClose}
      footer={
        <>
          {problem && <span className="warn-text">{problem}</span>}
          <span className="spacer" />
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={!parsed} onClick={() => parsed && void setProfile(client.name, parsed).then((saved) => saved && onClose())}>
            Save
          </button>
        </>
      }
    >
      <div className="stack">
        <p className="muted" style={{ margin: 0 }}>
          Globs: a tool pattern with a <code>/</code> names <code>server/tool</code>, without one the name the client sees. <code>rules</code>: the first match of <code>allow</code>, <code>ask</code> or <code>deny</code> wins; an unmatched tool is asked about when it is annotated destructive or open-world, allowed otherwise. <code>limits</code>: <code>perMinute</code>, <code>perDay</code>, <code>inFlight</code>.
        </p>
        <textarea aria-label="Profile" className="mono" rows={16} spellCheck={false} value={text} onChange={(event) => setText(event.target.value)} />
        <SeenAs client={client.name} seen={seen} setSeen={setSeen} />
      </div>
    </Modal>
  );
}

/** The tools the client sees now (as it would list them), to check a profile against. */
function SeenAs({ client, seen, setSeen }: { client: string; seen: { tools: string[] } | null; setSeen: (value: { tools: string[] }) => void }) {
  const load = useApp((s) => s.playground.viewAs);
  return (
    <div className="stack">
      <button type="button" className="small" style={{ alignSelf: 'start' }} onClick={() => void load(client).then((view) => view && setSeen(view))}>
        Show what {client} sees now
      </button>
      {seen && (
        <p className="mono" style={{ margin: 0 }} data-testid="seen-tools">
          {seen.tools.length ? seen.tools.join(', ') : '(no tools)'}
        </p>
      )}
    </div>
  );
}
