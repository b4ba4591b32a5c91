import { describe, expect, it } from 'vitest';
import { EXPOSED_NAME_PATTERN, nameItems, originKey, sanitize, sanitizeAlias, serverAliases, shortHash } from '../../shared/tool-names.ts';

const names = (items: Parameters<typeof nameItems>[0]) => [...nameItems(items).exposed.keys()];

describe('nameItems', () => {
  it('prefixes tools with their server: alias__tool', () => {
    expect(names([{ server: 'github', name: 'create_issue' }, { server: 'memory', name: 'read_graph' }])).toEqual(['github__create_issue', 'memory__read_graph']);
  });

  it('cleans what clients refuse: dots, colons, spaces, slashes, CJK', () => {
    const result = names([
      { server: 'my server.v2', name: 'files/read' },
      { server: 'docker', name: 'container:list' },
      { server: 'cn', name: '查询 天气' },
    ]);
    for (const name of result) expect(name).toMatch(EXPOSED_NAME_PATTERN);
    expect(result[0]).toBe('my_server_v2__files_read');
    expect(result[1]).toBe('docker__container_list');
  });

  it('keeps every name within 64 characters, with a hash that tells long names apart', () => {
    const long = 'a'.repeat(80);
    const result = nameItems([
      { server: 'srv', name: `${long}_one` },
      { server: 'srv', name: `${long}_two` },
    ]);
    const exposed = [...result.exposed.keys()];
    expect(exposed).toHaveLength(2);
    for (const name of exposed) expect(name).toMatch(EXPOSED_NAME_PATTERN);
    expect(exposed[0]).not.toBe(exposed[1]);
    expect(result.exposed.get(exposed[1]!)).toEqual({ server: 'srv', name: `${long}_two` });
  });

  it('resolves a collision without failing: the exact name keeps it, the cleaned one gets a hash', () => {
    const result = nameItems([
      { server: 's', name: 'get.user' },
      { server: 's', name: 'get_user' },
    ]);
    expect(result.byOrigin.get(originKey('s', 'get_user'))).toBe('s__get_user');
    expect(result.byOrigin.get(originKey('s', 'get.user'))).toMatch(/^s__get_user_[0-9a-z]{6}$/);
  });

  it('gives the same names whatever the order, across reloads', () => {
    const items = [
      { server: 'a.b', name: 'x' },
      { server: 'a_b', name: 'x' },
      { server: 'a-b', name: 'x' },
      { server: 's', name: 'y.z' },
      { server: 's', name: 'y_z' },
    ];
    const forward = nameItems(items).byOrigin;
    const backward = nameItems([...items].reverse()).byOrigin;
    expect(new Map([...backward].sort())).toEqual(new Map([...forward].sort()));
    expect(new Set(forward.values()).size).toBe(items.length);
  });

  it('decodes every exposed name back to its server and original name', () => {
    const items = [
      { server: 'everything', name: 'echo' },
      { server: 'memory', name: 'create_entities' },
      { server: 'weird name!', name: 'tool with spaces' },
    ];
    const result = nameItems(items);
    for (const item of items) {
      const exposed = result.byOrigin.get(originKey(item.server, item.name))!;
      expect(result.exposed.get(exposed)).toEqual({ server: item.server, name: item.name });
    }
  });

  it('exposes names unprefixed with prefix: false, unless another server has the same name', () => {
    expect(names([{ server: 'fs', name: 'read_file', unprefixed: true }, { server: 'mem', name: 'read_graph' }])).toEqual(['read_file', 'mem__read_graph']);
    const clash = nameItems([
      { server: 'fs', name: 'search', unprefixed: true },
      { server: 'web', name: 'search', unprefixed: true },
    ]);
    expect([...clash.exposed.keys()].sort()).toEqual(['fs__search', 'web__search']);
  });

  it('uses the alias of a server when it has one', () => {
    expect(names([{ server: '@modelcontextprotocol/server-github', alias: 'gh', name: 'list_repos' }])).toEqual(['gh__list_repos']);
  });
});

describe('serverAliases', () => {
  it('keeps an exact name and hashes the servers whose names only clean up to it', () => {
    const aliases = serverAliases([{ server: 'github' }, { server: 'git hub' }, { server: 'GitHub' }]);
    expect(aliases.get('git hub')).toBe('git_hub'); // a different clean name: no collision
    // "GitHub" and "github" clash for clients that fold case: the first in code-point order keeps it.
    expect(aliases.get('GitHub')).toBe('GitHub');
    expect(aliases.get('github')).toMatch(/^github-[0-9a-z]{6}$/);
    expect(serverAliases([{ server: 'my.server' }, { server: 'my_server' }]).get('my.server')).toMatch(/^my_server-[0-9a-z]{6}$/);
  });
});

describe('sanitize and shortHash', () => {
  it('never leaves the separator inside an alias', () => {
    expect(sanitizeAlias('a__b...c  d')).toBe('a_b_c_d');
    expect(sanitizeAlias('__x__')).toBe('x');
  });
  it("keeps an item's own double underscores: a tool of a server behind another gateway keeps its name", () => {
    expect(sanitize('fidelity__slow')).toBe('fidelity__slow');
    expect([...nameItems([{ server: 'remote', name: 'fidelity__slow' }]).exposed.keys()]).toEqual(['remote__fidelity__slow']);
  });
  it('hashes deterministically into base 36', () => {
    expect(shortHash('abc')).toBe(shortHash('abc'));
    expect(shortHash('abc')).toMatch(/^[0-9a-z]{6}$/);
    expect(shortHash('abc')).not.toBe(shortHash('abd'));
    expect(shortHash('abc', 10)).toHaveLength(10);
  });
});
