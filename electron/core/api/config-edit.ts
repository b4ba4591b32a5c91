import { MASKED_VALUE, type ConfigView, type ServerEntryView } from '../../../shared/contract.ts';
import { secretsInArgs } from '../base/redactor.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { removeServerEntry, setServerEntry, type ConfigFile } from '../config/file.ts';
import { ConfigError, parseConfig } from '../config/parse.ts';

/** Keys whose values are secrets: shown masked, never sent to the window. */
const SECRET_KEY = /token|secret|password|passwd|pwd|api[-_]?key|access[-_]?key|private[-_]?key|authorization|cookie|credential|auth/i;
/** A value that is only references (`${secret:NAME}`, `${env:NAME}`) holds no secret itself. */
const ONLY_REFERENCES = /^(\$\{[^}]+\}\s*)+$/;
/** Values that are secrets whatever their name: credentials in a URL, well-known token prefixes, long random strings. */
const SECRET_VALUE = /:\/\/[^\s/:@]+:[^\s/@]+@|^(sk-|sk_|ghp_|gho_|ghs_|github_pat_|xox[abpr]-|AKIA|glpat-|npm_)|^(?=.*\d)(?=.*[a-zA-Z])[A-Za-z0-9_\-+/=.]{32,}$/;

const MASKABLE = ['env', 'headers'] as const;

/** The config file's servers as the window sees them: raw entries (unknown fields too), secret values masked. */
export function configView(config: ConfigFile): ConfigView {
  const servers = rawServers(config.current.raw);
  return { path: config.path, servers: Object.entries(servers).map(([name, entry]) => maskEntry(name, entry)), problems: [...config.problems] };
}

export function maskEntry(name: string, entry: unknown): ServerEntryView {
  const masked: string[] = [];
  if (!isRecord(entry)) return { name, entry: {}, masked };
  const copy: Record<string, unknown> = structuredClone(entry);
  for (const field of MASKABLE) {
    const map = copy[field];
    if (!isRecord(map)) continue;
    for (const [key, value] of Object.entries(map)) {
      if (typeof value === 'string' && value !== '' && (SECRET_KEY.test(key) || SECRET_VALUE.test(value)) && !ONLY_REFERENCES.test(value.trim())) {
        map[key] = MASKED_VALUE;
        masked.push(`${field}.${key}`);
      }
    }
  }
  // A secret given in args (`--token=X`, `--api-key X`) is masked too.
  if (Array.isArray(copy.args)) {
    const args = copy.args.filter((arg): arg is string => typeof arg === 'string');
    const secrets = new Set(secretsInArgs(args).filter((value) => !ONLY_REFERENCES.test(value.trim())));
    copy.args = copy.args.map((arg, index) => {
      if (typeof arg !== 'string') return arg;
      for (const secret of secrets) {
        if (arg === secret || arg.endsWith(`=${secret}`)) {
          masked.push(`args.${index}`);
          return arg === secret ? MASKED_VALUE : `${arg.slice(0, arg.length - secret.length)}${MASKED_VALUE}`;
        }
      }
      return arg;
    });
  }
  return { name, entry: copy, masked };
}

/** Puts the stored values back where the window sent MASKED_VALUE (unchanged secrets), from `previous`. */
export function unmaskEntry(entry: Record<string, unknown>, previous: unknown): Record<string, unknown> {
  const copy = structuredClone(entry);
  for (const field of MASKABLE) {
    const map = copy[field];
    if (!isRecord(map)) continue;
    const before = isRecord(previous) && isRecord(previous[field]) ? previous[field] : {};
    for (const [key, value] of Object.entries(map)) {
      if (value !== MASKED_VALUE) continue;
      if (typeof before[key] === 'string') map[key] = before[key];
      else delete map[key]; // A masked value with nothing stored behind it: there is no secret to keep.
    }
  }
  if (Array.isArray(copy.args)) {
    const before = isRecord(previous) && Array.isArray(previous.args) ? previous.args : [];
    copy.args = copy.args.map((arg, index) => {
      if (typeof arg !== 'string' || !arg.endsWith(MASKED_VALUE)) return arg;
      const prefix = arg.slice(0, arg.length - MASKED_VALUE.length);
      const stored = before[index];
      // The same argument as before (its flag unchanged): its stored value goes back.
      return typeof stored === 'string' && stored.startsWith(prefix) ? stored : arg;
    });
  }
  return copy;
}

/**
 * Secret values typed into the form (env and header values that look like secrets) go to the secret store, and the
 * entry keeps `${secret:NAME}` in their place: mcp.json never holds them. Without a store, the entry is as typed.
 */
export function moveSecretsToStore(name: string, entry: Record<string, unknown>, secrets: SecretStore | undefined): Record<string, unknown> {
  if (!secrets) return entry;
  const plan = planSecretMoves(name, entry);
  for (const [secretName, value] of plan.moves) secrets.set(secretName, value);
  return plan.entry;
}

/** The secret-looking values of an entry (env, headers) and the entry with `${secret:NAME}` in their place. */
export function planSecretMoves(name: string, entry: Record<string, unknown>): { entry: Record<string, unknown>; moves: [string, string][] } {
  const moves: [string, string][] = [];
  const copy = structuredClone(entry);
  for (const field of MASKABLE) {
    const map = copy[field];
    if (!isRecord(map)) continue;
    for (const [key, value] of Object.entries(map)) {
      if (typeof value !== 'string' || value === '' || value === MASKED_VALUE || ONLY_REFERENCES.test(value.trim())) continue;
      if (!SECRET_KEY.test(key) && !SECRET_VALUE.test(value)) continue;
      const scheme = /^(Bearer|Basic|token)\s+(\S.*)$/i.exec(value);
      const secretName = `${name}_${key}`.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 128);
      moves.push([secretName, scheme ? scheme[2]! : value]);
      map[key] = scheme ? `${scheme[1]} \${secret:${secretName}}` : `\${secret:${secretName}}`;
    }
  }
  return { entry: copy, moves };
}

/** The problems the config parser reports for the config with this entry set, or none. Writes nothing. */
export function validateServer(config: ConfigFile, name: string, entry: Record<string, unknown>, replacing?: string): string[] {
  const raw = structuredClone(config.current.raw);
  const problem = applyEntry(raw, name, entry, replacing);
  if (problem) return [problem];
  try {
    parseConfig(`${JSON.stringify(raw, null, 2)}\n`, config.path);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

/**
 * Saves the entry (renaming `replacing`), atomically; throws ConfigError and writes nothing when invalid. Secrets
 * typed into it go to the secret store, where there is one, and only their references to mcp.json.
 */
export function saveServer(config: ConfigFile, name: string, entry: Record<string, unknown>, replacing?: string, secrets?: SecretStore): void {
  const problem = applyEntry(structuredClone(config.current.raw), name, entry, replacing);
  if (problem) throw new ConfigError(config.path, [problem]);
  const stored = moveSecretsToStore(name, entry, secrets);
  config.update((raw) => void applyEntry(raw, name, stored, replacing));
}

export function removeServer(config: ConfigFile, name: string): void {
  if (!Object.hasOwn(rawServers(config.current.raw), name)) throw new ConfigError(config.path, [`${label(config)}: mcpServers.${name}: no such server`]);
  config.update((raw) => removeServerEntry(raw, name));
}

export function setEnabled(config: ConfigFile, name: string, enabled: boolean): void {
  const current = rawServers(config.current.raw)[name];
  if (!isRecord(current)) throw new ConfigError(config.path, [`${label(config)}: mcpServers.${name}: no such server`]);
  const next = { ...current };
  if (enabled) delete next.disabled;
  else next.disabled = true;
  config.update((raw) => setServerEntry(raw, name, next));
}

/** Adds servers (replacing same-named ones when asked) in one save. */
/**
 * Adds servers to the config (replacing those of the same name when `replace`). With a secret store, their
 * secret-looking values (`*_TOKEN`, `*_KEY`, `Authorization`, ...) go to it and the config gets `${secret:NAME}`.
 */
export function importServers(config: ConfigFile, servers: Record<string, Record<string, unknown>>, replace: boolean, secrets?: SecretStore): { added: string[]; replaced: string[]; movedSecrets: string[] } {
  const existing = rawServers(config.current.raw);
  const added: string[] = [];
  const replaced: string[] = [];
  for (const name of Object.keys(servers)) {
    if (!Object.hasOwn(existing, name)) added.push(name);
    else if (replace) replaced.push(name);
  }
  if (added.length + replaced.length === 0) return { added, replaced, movedSecrets: [] };
  const movedSecrets: string[] = [];
  const entries = Object.fromEntries(
    [...added, ...replaced].map((name) => {
      if (!secrets) return [name, servers[name]!];
      const plan = planSecretMoves(name, servers[name]!);
      for (const [secretName, value] of plan.moves) {
        secrets.set(secretName, value);
        movedSecrets.push(secretName);
      }
      return [name, plan.entry];
    }),
  );
  config.update((raw) => {
    for (const [name, entry] of Object.entries(entries)) setServerEntry(raw, name, entry);
  });
  return { added, replaced, movedSecrets };
}

/** The entry set in a raw config, with the stored secrets kept; a one-line problem when the name does not fit. */
function applyEntry(raw: Record<string, unknown>, name: string, entry: Record<string, unknown>, replacing?: string): string | undefined {
  const servers = rawServers(raw);
  const trimmed = name.trim();
  if (trimmed === '') return 'name: a server needs a name';
  if (trimmed !== name) return 'name: no spaces at the start or end';
  if (name !== replacing && Object.hasOwn(servers, name)) return `name: there is already a server named "${name}"`;
  const previous = replacing !== undefined ? servers[replacing] : servers[name];
  if (replacing !== undefined && replacing !== name) removeServerEntry(raw, replacing);
  setServerEntry(raw, name, unmaskEntry(entry, previous));
  return undefined;
}

function rawServers(raw: Record<string, unknown>): Record<string, unknown> {
  return isRecord(raw.mcpServers) ? raw.mcpServers : {};
}

function label(config: ConfigFile): string {
  return config.path.split(/[\\/]/).at(-1) ?? config.path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
