import { describe, expect, it } from 'vitest';
import { MASKED_VALUE } from '../../../../shared/contract.ts';
import { maskEntry, unmaskEntry } from '../../../../electron/core/api/config-edit.ts';

describe('masking secrets for the window', () => {
  it('masks values under secret-looking names, and secret-looking values under any name, but not references', () => {
    const view = maskEntry('x', {
      command: 'npx',
      env: {
        GITHUB_TOKEN: 'ghp_abc',
        OPENAI_API_KEY: 'sk-123',
        DATABASE_URL: 'postgres://me:hunter2@db/x',
        SLACK: 'xoxb-1-2-3',
        RANDOM: 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7',
        PASSWORD: '${secret:db}',
        PLAIN: 'visible',
        PATH_LIKE: '/usr/local/bin',
      },
      headers: { Authorization: 'Bearer abc' },
    });
    expect(view.entry.env).toEqual({
      GITHUB_TOKEN: MASKED_VALUE,
      OPENAI_API_KEY: MASKED_VALUE,
      DATABASE_URL: MASKED_VALUE,
      SLACK: MASKED_VALUE,
      RANDOM: MASKED_VALUE,
      PASSWORD: '${secret:db}',
      PLAIN: 'visible',
      PATH_LIKE: '/usr/local/bin',
    });
    expect(view.entry.headers).toEqual({ Authorization: MASKED_VALUE });
    expect(view.masked).toEqual(['env.GITHUB_TOKEN', 'env.OPENAI_API_KEY', 'env.DATABASE_URL', 'env.SLACK', 'env.RANDOM', 'headers.Authorization']);
  });

  it('puts the stored value back for a mask sent unchanged, and drops a mask with nothing behind it', () => {
    const previous = { env: { TOKEN: 'real', OTHER: 'x' } };
    expect(unmaskEntry({ env: { TOKEN: MASKED_VALUE, NEW: MASKED_VALUE, OTHER: 'changed' } }, previous)).toEqual({ env: { TOKEN: 'real', OTHER: 'changed' } });
  });
});
