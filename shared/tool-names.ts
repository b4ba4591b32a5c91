/**
 * Names the gateway exposes for the tools and prompts of many servers: `alias__tool`, always matching
 * `^[a-zA-Z0-9_-]{1,64}$` (what every client accepts). When a name must be cleaned, shortened, or would
 * collide, a short hash of the original makes it unique. The result depends only on the server and item
 * names (never on order of arrival), so it is stable across restarts and reloads, and a map decodes it.
 */

/** The pattern every exposed name matches. */
export const EXPOSED_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
/** The separator between a server's alias and an item's name. */
export const SEPARATOR = '__';
const MAX_LENGTH = 64;

/** One item (a tool or a prompt) of one server, to be named. */
export interface NamingInput {
  /** The server's name in the config. */
  readonly server: string;
  /** The server's `alias`, if set; else its name is used. */
  readonly alias?: string;
  /** The item's name as the server gave it. */
  readonly name: string;
  /** `prefix: false`: expose the item's own name when that is unique. */
  readonly unprefixed?: boolean;
}

/** The naming of a set of items: exposed name to origin, and back. */
export interface NameMap {
  readonly exposed: ReadonlyMap<string, { readonly server: string; readonly name: string }>;
  /** `server\0name` to exposed name. */
  readonly byOrigin: ReadonlyMap<string, string>;
}

/** FNV-1a, 32 bit: a small deterministic hash, no dependencies. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** FNV-1a as 6 base-36 characters: deterministic, fine for disambiguation. */
export function shortHash(text: string, length = 6): string {
  let out = fnv1a(text).toString(36);
  // Longer hashes (only needed on a hash collision) chain a second round over the first.
  while (out.length < length) out += shortHash(`${out}:${text}`, 6);
  return out.slice(0, length).padStart(length, '0');
}

/** Replaces what clients refuse (spaces, dots, slashes, colons, non-ASCII) by `_`. */
export function sanitize(part: string): string {
  return part.replace(/[^a-zA-Z0-9_-]/g, '_');
}

/**
 * An alias: sanitized, and never holding `__` or starting or ending with `_`, so that the first `__` of an
 * exposed name always ends the alias (an item name may hold `__`: a server behind another gateway).
 */
export function sanitizeAlias(part: string): string {
  return sanitize(part)
    .replace(/_{2,}/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * The alias of each server: its `alias` or name, sanitized. A server whose cleaned alias differs from what
 * was written, and that collides with another server's, gets a hash suffix; one written exactly keeps it.
 */
export function serverAliases(servers: readonly { server: string; alias?: string }[]): Map<string, string> {
  const groups = new Map<string, { server: string; raw: string; clean: string }[]>();
  for (const { server, alias } of servers) {
    const raw = alias ?? server;
    const clean = sanitizeAlias(raw).slice(0, 24) || `s${shortHash(raw, 5)}`;
    const key = clean.toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), { server, raw, clean }]);
  }
  const result = new Map<string, string>();
  for (const group of groups.values()) {
    const keeper = pickKeeper(group, (entry) => entry.raw === entry.clean, (entry) => entry.server);
    for (const entry of group) {
      result.set(entry.server, entry === keeper ? entry.clean : `${entry.clean.slice(0, 17)}-${shortHash(entry.server, 6)}`);
    }
  }
  return result;
}

/**
 * Names every item. Deterministic: the same servers and items always give the same names.
 * An item whose name needed no cleaning keeps its natural name when that is free; the others are hashed.
 * Pass `aliases` computed over every configured server, so a server going down renames nothing.
 */
export function nameItems(items: readonly NamingInput[], aliases: ReadonlyMap<string, string> = serverAliases(uniqueServers(items))): NameMap {
  const prefixed = (input: NamingInput) => `${aliases.get(input.server)}${SEPARATOR}${sanitize(input.name) || shortHash(input.name)}`;
  const candidates = items.map((input) => {
    const clean = sanitize(input.name) || shortHash(input.name);
    return { input, exact: clean === input.name, natural: input.unprefixed ? clean : prefixed(input) };
  });
  type Candidate = (typeof candidates)[number];
  // An unprefixed name that anything else also wants goes back to its prefix.
  const demand = countBy(candidates, (c) => c.natural.toLowerCase());
  for (const candidate of candidates) {
    if (candidate.input.unprefixed && (demand.get(candidate.natural.toLowerCase()) ?? 0) > 1) candidate.natural = prefixed(candidate.input);
  }
  const groups = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    const key = candidate.natural.toLowerCase(); // some clients fold case
    groups.set(key, [...(groups.get(key) ?? []), candidate]);
  }
  const exposed = new Map<string, { server: string; name: string }>();
  const byOrigin = new Map<string, string>();
  const taken = new Set<string>();
  const assign = (candidate: Candidate, name: string) => {
    exposed.set(name, { server: candidate.input.server, name: candidate.input.name });
    byOrigin.set(originKey(candidate.input.server, candidate.input.name), name);
    taken.add(name.toLowerCase());
  };
  const hashed: Candidate[] = [];
  for (const group of groups.values()) {
    const fitting = group.filter((c) => c.natural.length <= MAX_LENGTH);
    const keeper = fitting.length === group.length ? pickKeeper(group, (c) => c.exact, (c) => originKey(c.input.server, c.input.name)) : undefined;
    for (const candidate of group) {
      if (candidate === keeper) assign(candidate, candidate.natural);
      else hashed.push(candidate);
    }
  }
  // Hashed names come last and are checked against every natural name, so they never take one.
  for (const candidate of hashed) {
    const key = originKey(candidate.input.server, candidate.input.name);
    let length = 6;
    let name = withHash(candidate.natural, key, length);
    while (taken.has(name.toLowerCase())) name = withHash(candidate.natural, key, (length += 2));
    assign(candidate, name);
  }
  return { exposed, byOrigin };
}

/** The key of an item in `NameMap.byOrigin`. */
export function originKey(server: string, name: string): string {
  return `${server}\0${name}`;
}

/** Who keeps a contested name: the only one, or the only exact one, or the first exact one by a stable order. */
function pickKeeper<T>(group: readonly T[], isExact: (item: T) => boolean, order: (item: T) => string): T | undefined {
  if (group.length === 1) return group[0];
  const exact = group.filter(isExact).sort((a, b) => (order(a) < order(b) ? -1 : 1));
  return exact[0];
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function withHash(natural: string, key: string, length: number): string {
  const suffix = `_${shortHash(key, length)}`;
  return `${natural.slice(0, MAX_LENGTH - suffix.length).replace(/_+$/, '')}${suffix}`;
}

function uniqueServers(items: readonly NamingInput[]): { server: string; alias?: string }[] {
  const seen = new Map<string, { server: string; alias?: string }>();
  for (const item of items) if (!seen.has(item.server)) seen.set(item.server, { server: item.server, alias: item.alias });
  return [...seen.values()];
}
