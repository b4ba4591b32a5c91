import { useState } from 'react';
import type { ImportPreview } from '../../shared/contract.ts';
import { Modal } from '../components/common.tsx';
import { useApp } from '../store/index.ts';

/** What errors call text that was pasted rather than read from a file. */
const PASTED = 'the pasted text';

/** Import the servers of any client's config file (Claude Desktop, Cursor, VS Code, Claude Code, Windsurf). */
export function ImportDialog({ onClose }: { onClose: () => void }) {
  const previewImport = useApp((s) => s.servers.previewImport);
  const importServers = useApp((s) => s.servers.importServers);
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState(PASTED);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [replace, setReplace] = useState(false);
  const [moveSecrets, setMoveSecrets] = useState(true);

  const read = async (content: string, name: string) => {
    setText(content);
    setFileName(name);
    const result = await previewImport(content, name);
    setPreview(result ?? null);
    if (result) setChosen(new Set(Object.keys(result.servers).filter((server) => !result.conflicts.includes(server))));
  };
  const servers = preview ? Object.keys(preview.servers) : [];

  return (
    <Modal
      title="Import servers"
      onClose={onClose}
      wide
      footer={
        <>
          <label className="row grow">
            <input type="checkbox" checked={replace} onChange={(event) => setReplace(event.target.checked)} /> Replace servers that have the same name
          </label>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={!preview || chosen.size === 0}
            onClick={() => {
              if (!preview) return;
              const selected = Object.fromEntries(Object.entries(preview.servers).filter(([name]) => chosen.has(name)));
              void importServers(selected, replace, moveSecrets && preview.secretStore !== null).then((ok) => ok && onClose());
            }}
          >
            Import {chosen.size || ''}
          </button>
        </>
      }
    >
      <div className="stack">
        <p className="muted" style={{ margin: 0 }}>
          Pick a client’s config file (claude_desktop_config.json, ~/.cursor/mcp.json, VS Code’s mcp.json, ~/.claude.json, Windsurf’s mcp_config.json) or paste it.
        </p>
        <input
          type="file"
          accept=".json,.jsonc,application/json"
          aria-label="Config file"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) void file.text().then((content) => read(content, file.name));
          }}
        />
        <textarea className="mono" rows={8} aria-label="Config text" value={text} onChange={(event) => setText(event.target.value)} placeholder={'{ "mcpServers": { … } }'} />
        <div>
          <button type="button" disabled={text.trim() === ''} onClick={() => void read(text, fileName)}>
            Read
          </button>
        </div>
        {preview && (
          <div className="stack">
            <p style={{ margin: 0 }}>
              {preview.dialect ? `Read as ${preview.dialect}. ` : ''}
              {servers.length} server{servers.length === 1 ? '' : 's'}:
            </p>
            <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {servers.map((name) => (
                <li key={name}>
                  <label className="row">
                    <input
                      type="checkbox"
                      checked={chosen.has(name)}
                      onChange={(event) => {
                        const next = new Set(chosen);
                        if (event.target.checked) next.add(name);
                        else next.delete(name);
                        setChosen(next);
                      }}
                    />
                    <strong>{name}</strong>
                    <span className="mono muted ellipsis">{JSON.stringify(preview.shown[name] ?? {})}</span>
                    {preview.conflicts.includes(name) && <span className="badge warn">already in Switchboard</span>}
                  </label>
                </li>
              ))}
            </ul>
            {preview.secrets.length > 0 && (
              <label className="row" data-testid="move-secrets">
                <input type="checkbox" checked={moveSecrets && preview.secretStore !== null} disabled={preview.secretStore === null} onChange={(event) => setMoveSecrets(event.target.checked)} />
                {preview.secretStore !== null
                  ? `Keep the ${preview.secrets.length} secret value${preview.secrets.length === 1 ? '' : 's'} (${preview.secrets.join(', ')}) in ${preview.secretStore}; mcp.json gets \${secret:NAME} references`
                  : `${preview.secrets.length} secret value${preview.secrets.length === 1 ? '' : 's'} will be written to mcp.json as they are: there is no keychain here (set SWITCHBOARD_SECRETS_KEY for an encrypted file)`}
              </label>
            )}
            {preview.warnings.length > 0 && (
              <ul className="warn-text" style={{ margin: 0 }}>
                {preview.warnings.map((warning) => (
                  <li key={warning}>{warning}</li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
    </Modal>
  );
}
