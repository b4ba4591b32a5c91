import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../core/paths.ts';
import { isSecretStore, openSecretStore, SECRET_NAME } from '../core/secrets/secret-store.ts';
import { UsageError } from './usage.ts';

/**
 * `switchboard secrets set NAME | list | delete NAME`: the values `${secret:NAME}` stands for in mcp.json, kept in the
 * OS keychain (or the encrypted file of SWITCHBOARD_SECRETS_KEY). `set` reads the value from stdin, so it never
 * appears in a shell's history or a process list.
 */
export async function secrets(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' } }, allowPositionals: true, strict: true });
  const [action, name] = positionals;
  const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir());
  const store = openSecretStore(dataDir);
  if (!isSecretStore(store)) {
    process.stderr.write(`switchboard secrets: ${store.unavailable}\n`);
    return 1;
  }
  if (action === 'list' && name === undefined) {
    for (const known of store.names()) process.stdout.write(`${known}\n`);
    return 0;
  }
  if ((action === 'set' || action === 'delete') && name !== undefined) {
    if (!SECRET_NAME.test(name)) throw new UsageError(`a secret's name is letters, digits, '.', '_' and '-' (at most 128), not "${name}"`);
    if (action === 'delete') {
      if (!store.delete(name)) {
        process.stderr.write(`switchboard secrets: there is no secret named ${name}\n`);
        return 1;
      }
      process.stdout.write(`deleted ${name}\n`);
      return 0;
    }
    const value = (await readStdin()).replace(/\r?\n$/, '');
    if (value === '') throw new UsageError(`give the value on stdin: printf %s "$VALUE" | switchboard secrets set ${name}`);
    store.set(name, value);
    process.stdout.write(`stored ${name} in ${store.description}; use it as \${secret:${name}} in mcp.json (servers that use it get it when they next start)\n`);
    return 0;
  }
  throw new UsageError('secrets takes: set NAME (the value on stdin) | list | delete NAME');
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('value (then Enter, Ctrl+D): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
