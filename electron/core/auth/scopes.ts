import picomatch from 'picomatch';
import type { Profile } from '../../../shared/access.ts';
import type { Identity } from '../gateway/pipeline/context.ts';
import type { Scope } from '../gateway/scope.ts';

type Matcher = (value: string) => boolean;

/** A glob list: absent matches everything, empty matches nothing. */
function matcher(globs: readonly string[] | undefined): Matcher | undefined {
  if (globs === undefined) return undefined;
  const matchers = globs.map((glob) => picomatch(glob, { dot: true }));
  return (value) => matchers.some((match) => match(value));
}

const firstMatches = new WeakMap<readonly { tool: string }[], ((server: string, exposed: string, name: string) => boolean)[]>();

/** The first of `rules` whose tool pattern matches (patterns compiled once per list of rules). */
export function firstMatch<R extends { tool: string }>(rules: readonly R[] | undefined, server: string, exposed: string, name: string): R | undefined {
  if (!rules || rules.length === 0) return undefined;
  let matchers = firstMatches.get(rules);
  if (!matchers) firstMatches.set(rules, (matchers = rules.map((rule) => nameMatcher([rule.tool])!)));
  const index = matchers.findIndex((match) => match(server, exposed, name));
  return index < 0 ? undefined : rules[index];
}

/**
 * Name patterns: one with a `/` names `server/name` (the tool's own name on its server), one without names what
 * the client sees (the exposed name, which is the server's own when names are not prefixed).
 */
export function nameMatcher(globs: readonly string[] | undefined): ((server: string, exposed: string, name: string) => boolean) | undefined {
  if (globs === undefined) return undefined;
  const qualified = matcher(globs.filter((glob) => glob.includes('/')));
  const plain = matcher(globs.filter((glob) => !glob.includes('/')));
  return (server, exposed, name) => (plain?.(exposed) ?? false) || (qualified?.(`${server}/${name}`) ?? false);
}

/** A profile as the gateway's router and notifications use it. */
export class ProfileScope implements Scope {
  readonly restrictsNames: boolean;
  private readonly servers: Matcher | undefined;
  private readonly tools: ReturnType<typeof nameMatcher>;
  private readonly prompts: ReturnType<typeof nameMatcher>;
  private readonly resources: Matcher | undefined;

  constructor(
    readonly client: string,
    profile: Profile,
  ) {
    this.servers = matcher(profile.servers);
    this.tools = nameMatcher(profile.tools);
    this.prompts = nameMatcher(profile.prompts);
    this.resources = matcher(profile.resources);
    this.restrictsNames = profile.tools !== undefined || profile.prompts !== undefined;
  }

  seesServer(server: string): boolean {
    return this.servers?.(server) ?? true;
  }

  seesTool(server: string, exposed: string, name: string): boolean {
    return this.tools?.(server, exposed, name) ?? true;
  }

  seesPrompt(server: string, exposed: string, name: string): boolean {
    return this.prompts?.(server, exposed, name) ?? true;
  }

  seesResource(_server: string, uri: string): boolean {
    return this.resources?.(uri) ?? true;
  }
}

/**
 * One scope per profile object (the client registry hands out the same object until the profile changes): the
 * gateway caches each scope's view of the catalog, so a request costs a lookup, and a changed profile counts from
 * the next request.
 */
export class Scopes {
  private readonly byProfile = new WeakMap<Profile, ProfileScope>();

  of(identity: Identity): Scope | undefined {
    if (identity.admin || !identity.profile) return undefined;
    let scope = this.byProfile.get(identity.profile);
    if (!scope) this.byProfile.set(identity.profile, (scope = new ProfileScope(identity.client, identity.profile)));
    return scope;
  }
}
