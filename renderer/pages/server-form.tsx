import { useEffect, useMemo, useState } from 'react';
import { MASKED_VALUE, type JsonObject, type ServerEntryView } from '../../shared/contract.ts';
import { Modal } from '../components/common.tsx';
import { useApp } from '../store/index.ts';

interface Pair {
  key: string;
  value: string;
}

interface FormState {
  name: string;
  kind: 'command' | 'url';
  command: string;
  /** One argument per line. */
  args: string;
  env: Pair[];
  cwd: string;
  /** Folders offered to the server when it asks for roots (one per line). */
  roots: string;
  url: string;
  headers: Pair[];
  disabled: boolean;
  replicas: string;
  timeoutMs: string;
  alias: string;
  allow: string;
  deny: string;
}

/** Fields the form edits; everything else of the entry is kept as it was. */
const MANAGED = ['command', 'args', 'env', 'cwd', 'roots', 'url', 'headers', 'disabled', 'replicas', 'timeoutMs', 'alias', 'tools', 'type'];
const SECRET_KEY = /token|secret|password|passwd|pwd|api[-_]?key|access[-_]?key|private[-_]?key|authorization|cookie|credential|auth/i;

/** The form for one server entry: validated as you type with the config parser's own messages. */
export function ServerForm({ original, onClose }: { original: ServerEntryView | null; onClose: () => void }) {
  const validate = useApp((s) => s.servers.validate);
  const save = useApp((s) => s.servers.save);
  const [state, setState] = useState<FormState>(() => fromEntry(original?.name ?? '', original?.entry ?? {}));
  const [extra, setExtra] = useState<JsonObject>(() => keepUnmanaged(original?.entry ?? {}));
  const [tab, setTab] = useState<'form' | 'json'>('form');
  const [pasted, setPasted] = useState('');
  const [pasteError, setPasteError] = useState<string | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [checking, setChecking] = useState(false);
  const [saving, setSaving] = useState(false);
  const entry = useMemo(() => toEntry(state, extra), [state, extra]);
  const entryText = JSON.stringify(entry);
  const replacing = original?.name;

  useEffect(() => {
    let cancelled = false;
    setChecking(true);
    const timer = setTimeout(() => {
      void validate(state.name, JSON.parse(entryText) as JsonObject, replacing).then((found) => {
        if (cancelled) return;
        setProblems(found);
        setChecking(false);
      });
    }, 150);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [state.name, entryText, replacing, validate]);

  const update = (change: Partial<FormState>) => setState((current) => ({ ...current, ...change }));
  const applyPaste = async () => {
    const parsed = parsePastedEntry(pasted);
    if ('error' in parsed) {
      setPasteError(parsed.error);
      return;
    }
    // Nothing pasted is dropped: an entry the form cannot hold exactly as written stays here, with why.
    const lost = unrepresentable(parsed.entry);
    if (lost.length > 0) {
      const found = await validate(parsed.name ?? state.name, parsed.entry, replacing);
      setPasteError(found.length > 0 ? found.join('\n') : `The form cannot hold ${lost.join(', ')} as written: fix ${lost.length === 1 ? 'it' : 'them'} in the JSON and paste again.`);
      return;
    }
    setPasteError(null);
    setState(fromEntry(parsed.name ?? state.name, parsed.entry));
    setExtra(keepUnmanaged(parsed.entry));
    setTab('form');
  };
  const submit = async () => {
    setSaving(true);
    const ok = await save(state.name, entry, replacing);
    setSaving(false);
    if (ok) onClose();
  };

  return (
    <Modal
      title={original ? `Edit ${original.name}` : 'Add a server'}
      onClose={onClose}
      footer={
        <>
          <span className="muted grow">{checking ? 'Checking…' : problems.length === 0 ? 'Valid' : `${problems.length} problem${problems.length === 1 ? '' : 's'}`}</span>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={problems.length > 0 || checking || saving} onClick={() => void submit()}>
            {original ? 'Save' : 'Add'}
          </button>
        </>
      }
    >
      <form
        className="stack"
        aria-label="Server"
        onSubmit={(event) => {
          event.preventDefault();
          if (problems.length === 0 && !checking) void submit();
        }}
      >
        <div className="tabs" role="tablist">
          <button type="button" role="tab" aria-selected={tab === 'form'} onClick={() => setTab('form')}>
            Fields
          </button>
          <button type="button" role="tab" aria-selected={tab === 'json'} onClick={() => setTab('json')}>
            Paste JSON
          </button>
        </div>
        {tab === 'json' ? (
          <div className="stack">
            <label className="field">
              <span>A server entry, a {'{ "name": { … } }'} pair, or a whole mcpServers file</span>
              <textarea className="mono" rows={10} value={pasted} onChange={(event) => setPasted(event.target.value)} placeholder={'{\n  "command": "npx",\n  "args": ["-y", "@modelcontextprotocol/server-memory"]\n}'} />
            </label>
            {pasteError && (
              <p className="error-text" role="alert" style={{ whiteSpace: 'pre-wrap' }}>
                {pasteError}
              </p>
            )}
            <div>
              <button type="button" onClick={() => void applyPaste()}>
                Use this entry
              </button>
            </div>
          </div>
        ) : (
          <>
            <label className="field">
              <span>Name</span>
              <input name="name" autoFocus value={state.name} onChange={(event) => update({ name: event.target.value })} placeholder="github" />
            </label>
            <div className="segmented" role="group" aria-label="Kind of server">
              <button type="button" aria-pressed={state.kind === 'command'} onClick={() => update({ kind: 'command' })}>
                Command (stdio)
              </button>
              <button type="button" aria-pressed={state.kind === 'url'} onClick={() => update({ kind: 'url' })}>
                Remote URL
              </button>
            </div>
            {state.kind === 'command' ? (
              <>
                <label className="field">
                  <span>Command</span>
                  <input name="command" className="mono" value={state.command} onChange={(event) => update({ command: event.target.value })} placeholder="npx" />
                </label>
                <label className="field">
                  <span>Arguments (one per line)</span>
                  <textarea name="args" className="mono" rows={3} value={state.args} onChange={(event) => update({ args: event.target.value })} placeholder={'-y\n@modelcontextprotocol/server-github'} />
                </label>
                <PairsEditor label="Environment" pairs={state.env} onChange={(env) => update({ env })} />
                <label className="field">
                  <span>Working directory</span>
                  <input name="cwd" className="mono" value={state.cwd} onChange={(event) => update({ cwd: event.target.value })} placeholder="(your home folder)" />
                </label>
              </>
            ) : (
              <>
                <label className="field">
                  <span>URL</span>
                  <input name="url" className="mono" value={state.url} onChange={(event) => update({ url: event.target.value })} placeholder="https://example.com/mcp" />
                </label>
                <PairsEditor label="Headers" pairs={state.headers} onChange={(headers) => update({ headers })} />
              </>
            )}
            <details>
              <summary>Options</summary>
              <div className="stack" style={{ marginTop: 8 }}>
                <label className="row">
                  <input type="checkbox" checked={state.disabled} onChange={(event) => update({ disabled: event.target.checked })} /> Disabled (kept in the config, not run)
                </label>
                <div className="row wrap">
                  <label className="field">
                    <span>Replicas</span>
                    <input name="replicas" value={state.replicas} onChange={(event) => update({ replicas: event.target.value })} placeholder="1" size={6} />
                  </label>
                  <label className="field">
                    <span>Timeout (ms)</span>
                    <input name="timeoutMs" value={state.timeoutMs} onChange={(event) => update({ timeoutMs: event.target.value })} placeholder="60000" size={10} />
                  </label>
                  <label className="field">
                    <span>Alias (tool prefix)</span>
                    <input name="alias" value={state.alias} onChange={(event) => update({ alias: event.target.value })} placeholder={state.name || 'name'} size={14} />
                  </label>
                </div>
                <label className="field">
                  <span>Allow only these tools (comma-separated, * wildcards)</span>
                  <input name="allow" value={state.allow} onChange={(event) => update({ allow: event.target.value })} />
                </label>
                <label className="field">
                  <span>Hide these tools</span>
                  <input name="deny" value={state.deny} onChange={(event) => update({ deny: event.target.value })} />
                </label>
                <label className="field">
                  <span>Roots: folders it may see when it asks (one per line; used when the calling client offers none)</span>
                  <textarea name="roots" className="mono" rows={2} value={state.roots} onChange={(event) => update({ roots: event.target.value })} placeholder="/home/me/project" />
                </label>
              </div>
            </details>
          </>
        )}
        {problems.length > 0 && (
          <ul className="error-text" role="alert" aria-label="Problems" style={{ margin: 0, paddingLeft: 18 }}>
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        )}
        <button type="submit" hidden />
      </form>
    </Modal>
  );
}

function PairsEditor({ label, pairs, onChange }: { label: string; pairs: Pair[]; onChange: (pairs: Pair[]) => void }) {
  const set = (index: number, change: Partial<Pair>) => onChange(pairs.map((pair, i) => (i === index ? { ...pair, ...change } : pair)));
  return (
    <fieldset className="stack" style={{ border: 0, padding: 0, margin: 0 }}>
      <legend style={{ fontWeight: 600, fontSize: 12, marginBottom: 4 }}>{label}</legend>
      {pairs.map((pair, index) => (
        <div className="row" key={index}>
          <input className="mono" aria-label={`${label} name`} value={pair.key} onChange={(event) => set(index, { key: event.target.value })} placeholder="NAME" style={{ width: 200 }} />
          <SecretInput label={`${label} value`} name={pair.key} value={pair.value} onChange={(value) => set(index, { value })} />
          <button type="button" className="small" aria-label={`Remove ${pair.key || 'row'}`} onClick={() => onChange(pairs.filter((_, i) => i !== index))}>
            ✕
          </button>
        </div>
      ))}
      <div>
        <button type="button" className="small" onClick={() => onChange([...pairs, { key: '', value: '' }])}>
          + {label === 'Headers' ? 'Header' : 'Variable'}
        </button>
      </div>
    </fieldset>
  );
}

/** A value shown masked when its name says it is a secret (a stored secret arrives as MASKED_VALUE). */
function SecretInput({ label, name, value, onChange }: { label: string; name: string; value: string; onChange: (value: string) => void }) {
  const secret = value === MASKED_VALUE || SECRET_KEY.test(name);
  const [shown, setShown] = useState(false);
  return (
    <span className="row grow">
      <input
        className="mono grow"
        aria-label={label}
        type={secret && !shown ? 'password' : 'text'}
        value={value}
        autoComplete="off"
        onFocus={(event) => value === MASKED_VALUE && event.target.select()}
        onChange={(event) => onChange(event.target.value)}
        placeholder="value, or ${secret:NAME} / ${env:NAME}"
      />
      {secret && value !== MASKED_VALUE && (
        <button type="button" className="small" onClick={() => setShown(!shown)} aria-label={shown ? 'Hide value' : 'Show value'}>
          {shown ? 'Hide' : 'Show'}
        </button>
      )}
    </span>
  );
}

function fromEntry(name: string, entry: JsonObject): FormState {
  const pairs = (value: unknown): Pair[] => (isObject(value) ? Object.entries(value).map(([key, v]) => ({ key, value: typeof v === 'string' ? v : JSON.stringify(v) })) : []);
  const tools = isObject(entry.tools) ? entry.tools : {};
  const list = (value: unknown) => (Array.isArray(value) ? value.map(String).join(', ') : '');
  return {
    name,
    kind: typeof entry.url === 'string' && entry.command === undefined ? 'url' : 'command',
    command: typeof entry.command === 'string' ? entry.command : '',
    args: Array.isArray(entry.args) ? entry.args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join('\n') : '',
    env: pairs(entry.env),
    cwd: typeof entry.cwd === 'string' ? entry.cwd : '',
    roots: Array.isArray(entry.roots) ? entry.roots.map(String).join('\n') : '',
    url: typeof entry.url === 'string' ? entry.url : '',
    headers: pairs(entry.headers),
    disabled: entry.disabled === true,
    replicas: entry.replicas === undefined ? '' : String(entry.replicas),
    timeoutMs: entry.timeoutMs === undefined ? '' : String(entry.timeoutMs),
    alias: typeof entry.alias === 'string' ? entry.alias : '',
    allow: list(tools.allow),
    deny: list(tools.deny),
  };
}

function keepUnmanaged(entry: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(entry).filter(([key]) => !MANAGED.includes(key)));
}

/** The entry the form describes; empty fields are left out, numbers that are not numbers go as typed (the parser says so). */
export function toEntry(state: FormState, extra: JsonObject): JsonObject {
  const entry: JsonObject = { ...extra };
  const map = (pairs: Pair[]) => Object.fromEntries(pairs.filter((pair) => pair.key.trim() !== '').map((pair) => [pair.key.trim(), pair.value]));
  const number = (text: string) => (/^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text);
  if (state.kind === 'command') {
    entry.command = state.command;
    const args = state.args.split('\n').filter((line) => line !== '');
    if (args.length) entry.args = args;
    const env = map(state.env);
    if (Object.keys(env).length) entry.env = env;
    if (state.cwd.trim()) entry.cwd = state.cwd;
  } else {
    entry.url = state.url;
    const headers = map(state.headers);
    if (Object.keys(headers).length) entry.headers = headers;
  }
  const roots = state.roots.split('\n').map((line) => line.trim()).filter(Boolean);
  if (roots.length) entry.roots = roots;
  if (state.disabled) entry.disabled = true;
  if (state.replicas.trim()) entry.replicas = number(state.replicas);
  if (state.timeoutMs.trim()) entry.timeoutMs = number(state.timeoutMs);
  if (state.alias.trim()) entry.alias = state.alias.trim();
  const split = (text: string) => text.split(',').map((part) => part.trim()).filter(Boolean);
  const allow = split(state.allow);
  const deny = split(state.deny);
  if (allow.length || deny.length) entry.tools = { ...(allow.length ? { allow } : {}), ...(deny.length ? { deny } : {}) };
  return entry;
}

/** The fields of an entry the form would not give back exactly as they are (shown then as the reason nothing was filled in). */
export function unrepresentable(entry: JsonObject): string[] {
  const back = toEntry(fromEntry('', entry), keepUnmanaged(entry));
  const keys = new Set([...Object.keys(entry), ...Object.keys(back)]);
  return [...keys].filter((key) => !sameMeaning(key, entry, entry[key], back[key])).map((key) => `"${key}"`);
}

/** Equal, or written differently with the same meaning (an empty list or map, `disabled: false`, the transport the form implies). */
function sameMeaning(key: string, entry: JsonObject, given: unknown, back: unknown): boolean {
  if (JSON.stringify(sortKeys(given)) === JSON.stringify(sortKeys(back))) return true;
  if (back !== undefined) return false;
  if ((Array.isArray(given) && given.length === 0) || (isObject(given) && Object.keys(given).length === 0) || given === false) return true;
  if (key === 'type') return (given === 'stdio' && typeof entry.command === 'string') || ((given === 'http' || given === 'streamable-http') && typeof entry.url === 'string');
  return false;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isObject(value)) return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
  return value;
}

/** Reads what a person pastes: an entry, `"name": {…}`, `{ "name": {…} }` or a whole client config. */
export function parsePastedEntry(text: string): { name?: string; entry: JsonObject } | { error: string } {
  let value: unknown;
  const trimmed = text.trim();
  try {
    value = JSON.parse(trimmed.startsWith('"') ? `{${trimmed.replace(/,\s*$/, '')}}` : trimmed);
  } catch (error) {
    return { error: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!isObject(value)) return { error: 'Expected a JSON object' };
  const map = isObject(value.mcpServers) ? value.mcpServers : isObject(value.servers) ? value.servers : undefined;
  if (map) {
    const entries = Object.entries(map);
    const [first] = entries;
    if (!first || !isObject(first[1])) return { error: 'That config has no servers' };
    if (entries.length > 1) return { error: `That config has ${entries.length} servers (${entries.map(([name]) => name).join(', ')}): use Import… on the Servers page to add them all, or paste one` };
    return { name: first[0], entry: first[1] };
  }
  if ('command' in value || 'url' in value || 'serverUrl' in value) return { entry: value };
  const keys = Object.keys(value);
  if (keys.length === 1 && isObject(value[keys[0]!])) return { name: keys[0], entry: value[keys[0]!] as JsonObject };
  return { error: 'Expected a server entry with a "command" (or a "url")' };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
