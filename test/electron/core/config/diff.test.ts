import { describe, expect, it } from 'vitest';
import { diffConfigs, isEmptyDiff } from '../../../../electron/core/config/diff.ts';
import { parseConfig } from '../../../../electron/core/config/parse.ts';

const servers = (value: unknown) => parseConfig(JSON.stringify({ mcpServers: value }), 'mcp.json').servers;

describe('diffConfigs', () => {
  it('sorts servers into added, removed, changed and unchanged', () => {
    const before = servers({ keep: { command: 'k' }, edit: { command: 'e' }, drop: { command: 'd' } });
    const after = servers({ keep: { command: 'k' }, edit: { command: 'e', args: ['--verbose'] }, fresh: { command: 'f' } });
    const diff = diffConfigs(before, after);
    expect(diff.added.map((s) => s.name)).toEqual(['fresh']);
    expect(diff.removed).toEqual(['drop']);
    expect(diff.changed.map((s) => s.name)).toEqual(['edit']);
    expect(diff.unchanged).toEqual(['keep']);
  });

  it('sees no change when only the order of keys differs', () => {
    const before = servers({ a: { command: 'a', env: { X: '1', Y: '2' } } });
    const after = servers({ a: { env: { Y: '2', X: '1' }, command: 'a' } });
    expect(isEmptyDiff(diffConfigs(before, after))).toBe(true);
  });

  it('counts an env change as a change (the server must restart to see it)', () => {
    const diff = diffConfigs(servers({ a: { command: 'a', env: { K: '1' } } }), servers({ a: { command: 'a', env: { K: '2' } } }));
    expect(diff.changed.map((s) => s.name)).toEqual(['a']);
  });
});
