import path from 'node:path';
import { parseArgs } from 'node:util';
import { CLIENT_NAME, ProfileSchema, type ClientRecord, type Profile } from '../../shared/access.ts';
import { defaultDataDir } from '../core/paths.ts';
import { openAccessStore, UnknownClientError } from '../core/store/index.ts';
import { UsageError } from './usage.ts';

const PROFILE_OPTIONS = {
  servers: { type: 'string' },
  tools: { type: 'string' },
  prompts: { type: 'string' },
  resources: { type: 'string' },
  allow: { type: 'string' },
  ask: { type: 'string' },
  deny: { type: 'string' },
  'ask-via': { type: 'string' },
  'ask-timeout': { type: 'string' },
  'per-minute': { type: 'string' },
  'per-day': { type: 'string' },
  'in-flight': { type: 'string' },
} as const;

/**
 * `switchboard clients add NAME | list | rotate NAME | revoke NAME | remove NAME | set NAME`: the clients of the
 * endpoint, each with its own token and profile. Works beside a running Switchboard (it sees the change at its
 * client's next request). A token is printed once, when it is made; only its hash is kept.
 */
export async function clients(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false }, ...PROFILE_OPTIONS },
    allowPositionals: true,
    strict: true,
  });
  const [action, name, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir());
  const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  const store = openAccessStore(dataDir);
  try {
    if (action === 'list') {
      const all = store.clients.list();
      if (values.json) out(JSON.stringify(all, null, 2));
      else out(all.length === 0 ? 'no clients yet: `switchboard clients add NAME` makes one' : formatClients(all));
      return 0;
    }
    if (action === undefined || name === undefined) throw new UsageError('clients takes: add NAME [profile options] | list | rotate NAME | revoke NAME | remove NAME | set NAME [profile options]');
    if (!CLIENT_NAME.test(name)) throw new UsageError(`a client's name is 1 to 64 letters, digits, ".", "_" or "-", not "${name}"`);
    if (name === 'admin') throw new UsageError('"admin" is the name of the data dir\'s own token: choose another');
    try {
      if (action === 'add') {
        const made = store.clients.add(name, profileFrom(values, {}));
        if (values.json) out(JSON.stringify(made, null, 2));
        else out(`made the client ${name}; its token (shown only now, keep it safe):\n${made.token}\n${describeProfile(made.client.profile)}`);
        return 0;
      }
      if (action === 'rotate') {
        const rotated = store.clients.rotate(name);
        if (values.json) out(JSON.stringify(rotated, null, 2));
        else out(`a new token for ${name} (the old one stops working now; shown only now):\n${rotated.token}`);
        return 0;
      }
      if (action === 'revoke') {
        store.clients.revoke(name);
        out(`revoked ${name}: its token is refused from its next request (\`switchboard clients rotate ${name}\` gives it a new one)`);
        return 0;
      }
      if (action === 'remove') {
        store.clients.remove(name);
        out(`removed ${name} (its calls stay in the audit trail)`);
        return 0;
      }
      if (action === 'set') {
        const current = store.clients.get(name);
        if (!current) throw new UnknownClientError(name);
        const updated = store.clients.setProfile(name, profileFrom(values, current.profile));
        out(values.json ? JSON.stringify(updated, null, 2) : `${name}: ${describeProfile(updated.profile)}`);
        return 0;
      }
    } catch (error) {
      if (error instanceof UsageError) throw error;
      process.stderr.write(`switchboard clients: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
    throw new UsageError(`unknown action "${action}": add, list, rotate, revoke, remove or set`);
  } finally {
    store.close();
  }
}

type ProfileValues = { [K in keyof typeof PROFILE_OPTIONS]?: string };

/** The profile options given, over `base`; an empty value (`--tools ''`) removes that restriction. */
function profileFrom(values: ProfileValues, base: Profile): Profile {
  const profile: Profile = { ...base };
  const list = (value: string) => value.split(',').map((item) => item.trim()).filter(Boolean);
  for (const key of ['servers', 'tools', 'prompts', 'resources'] as const) {
    const value = values[key];
    if (value === undefined) continue;
    if (value === '') delete profile[key];
    else profile[key] = list(value);
  }
  const rules = [
    ...(['deny', 'ask', 'allow'] as const).flatMap((decision) => (values[decision] === undefined ? [] : list(values[decision]!).map((tool) => ({ tool, decision })))),
  ];
  if (rules.length > 0) profile.rules = [...rules, ...(base.rules ?? []).filter((rule) => !rules.some((given) => given.tool === rule.tool))];
  if (values['ask-via'] !== undefined) {
    if (values['ask-via'] !== 'window' && values['ask-via'] !== 'client') throw new UsageError('--ask-via is window or client');
    profile.askVia = values['ask-via'];
  }
  if (values['ask-timeout'] !== undefined) profile.askTimeoutSeconds = positive(values['ask-timeout'], '--ask-timeout');
  const limits = { ...profile.limits };
  for (const [flag, key] of [
    ['per-minute', 'perMinute'],
    ['per-day', 'perDay'],
    ['in-flight', 'inFlight'],
  ] as const) {
    const value = values[flag];
    if (value === undefined) continue;
    if (value === '' || value === '0') delete limits[key];
    else limits[key] = positive(value, `--${flag}`);
  }
  if (Object.keys(limits).length > 0) profile.limits = limits;
  else delete profile.limits;
  const parsed = ProfileSchema.safeParse(profile);
  if (!parsed.success) throw new UsageError(`that profile is not valid: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}

function positive(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new UsageError(`${flag} is a whole number above 0, not "${value}"`);
  return number;
}

/** One line on what a profile lets its client do. */
export function describeProfile(profile: Profile): string {
  const parts = [
    profile.servers ? `servers ${profile.servers.join(', ') || '(none)'}` : 'every server',
    profile.tools ? `tools ${profile.tools.join(', ') || '(none)'}` : 'every tool',
    ...(profile.rules?.length ? [`rules ${profile.rules.map((rule) => `${rule.decision} ${rule.tool}`).join(', ')}`] : []),
    ...(profile.limits ? [`limits ${Object.entries(profile.limits).map(([key, value]) => `${key} ${value}`).join(', ')}`] : []),
    ...(profile.askVia === 'client' ? ['asks through the client'] : []),
  ];
  return parts.join('; ');
}

function formatClients(all: readonly ClientRecord[]): string {
  const width = Math.max(...all.map((client) => client.name.length));
  return all
    .map((client) => {
      const state = client.revokedAt !== null ? 'revoked' : client.lastUsedAt !== null ? `used ${new Date(client.lastUsedAt).toISOString()}` : 'never used';
      return `${client.name.padEnd(width)}  ${client.tokenHint}  ${state}  ${describeProfile(client.profile)}`;
    })
    .join('\n');
}
