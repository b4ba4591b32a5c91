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

describe('secrets in args and typed into the form', () => {
  it('masks a secret given in args for the window, and puts it back when the window sends the mask unchanged', () => {
    const entry = { command: 'server', args: ['--port', '8080', '--token=argsecret-1234567', '--api-key', 'key-abcdefgh', '--name', 'x'] };
    const view = maskEntry('s', entry);
    expect(view.entry.args).toEqual(['--port', '8080', `--token=${MASKED_VALUE}`, '--api-key', MASKED_VALUE, '--name', 'x']);
    expect(view.masked).toEqual(['args.2', 'args.4']);
    expect(unmaskEntry(view.entry, entry)).toEqual(entry);
  });

  it('stores a secret typed into the form in the secret store, and writes only its reference', async () => {
    const { FileSecrets } = await import('../../../../electron/core/secrets/secret-store.ts');
    const { tempDir, removeTempDirs } = await import('../../../helpers/fs.ts');
    const { moveSecretsToStore } = await import('../../../../electron/core/api/config-edit.ts');
    const store = new FileSecrets(tempDir(), 'test passphrase');
    try {
      const saved = moveSecretsToStore('github', { command: 'npx', env: { GITHUB_TOKEN: 'ghp_typed12345', LOG_LEVEL: 'debug', REF: '${secret:other}' }, headers: { Authorization: 'Bearer abcdefgh12345' } }, store);
      expect(saved).toEqual({ command: 'npx', env: { GITHUB_TOKEN: '${secret:github_GITHUB_TOKEN}', LOG_LEVEL: 'debug', REF: '${secret:other}' }, headers: { Authorization: 'Bearer ${secret:github_Authorization}' } });
      expect(store.get('github_GITHUB_TOKEN')).toBe('ghp_typed12345');
      expect(store.get('github_Authorization')).toBe('abcdefgh12345');
    } finally {
      removeTempDirs();
    }
  });
});
