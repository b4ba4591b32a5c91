// Secrets, with a real Linux keychain (gnome-keyring on a D-Bus session of the test's own): `${secret:NAME}` reaches
// the server from the keychain, and no secret value (from the keychain, a configured env value, one in args) is
// kept in the data dir or shown by the CLI, however much the server leaks it.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs, tempDir } from '../../helpers/fs.ts';
import { cleanupServes, runSwitchboard, startServe, switchboardBin } from '../../helpers/serve.ts';
import { waitFor } from '../../helpers/wait.ts';

const haveKeyring = spawnSync('sh', ['-c', 'command -v dbus-daemon && command -v gnome-keyring-daemon']).status === 0;
const FROM_KEYCHAIN = 'ghp_fromTheKeychain0123456789';
const IN_ENV = 'plain-api-key-abcdef123456';
const IN_ARGS = 'argsecret-xyz98765-qwerty';
const TOKEN = 'secrets-test-token-0123456789';

let bus: { address: string; pids: number[] } | undefined;
const daemons: ChildProcess[] = [];

beforeAll(async () => {
  if (!haveKeyring) return;
  // A session bus without service activation: nothing but the keyring started below may answer for secrets.
  const busConfig = path.join(tempDir('switchboard-bus-'), 'session.conf');
  fs.writeFileSync(
    busConfig,
    '<busconfig><type>session</type><listen>unix:tmpdir=/tmp</listen><policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>',
  );
  const out = execFileSync('dbus-daemon', [`--config-file=${busConfig}`, '--fork', '--print-address=1', '--print-pid=1', '--nopidfile'], { encoding: 'utf8' }).trim().split('\n');
  bus = { address: out[0]!, pids: [Number(out[1])] };
  // A keyring of its own (a fresh one, unlocked with this password), not the machine user's.
  const home = tempDir('switchboard-keyring-');
  const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address, HOME: home, XDG_DATA_HOME: path.join(home, 'data'), XDG_CACHE_HOME: path.join(home, 'cache'), XDG_RUNTIME_DIR: home },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let keyringErr = '';
  keyring.stderr!.on('data', (chunk: Buffer) => (keyringErr += chunk.toString()));
  keyring.stdin!.end('test-keyring-password');
  daemons.push(keyring);
  // Ready when a secret can be stored and read back.
  await waitFor(() => spawnSync(process.execPath, ['-e', "const { Entry } = require('@napi-rs/keyring'); const e = new Entry('probe', 'probe', { linux: { store: 'secret-service' } }); e.setPassword('x'); if (e.getPassword() !== 'x') process.exit(1)"], { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus!.address } }).status === 0, 'the keyring to answer', 15_000).catch((error: Error) => {
    throw new Error(`${error.message}; the keyring daemon said: ${keyringErr}`);
  });
});

afterAll(async () => {
  await cleanupServes();
  for (const daemon of daemons) daemon.kill('SIGKILL');
  for (const pid of bus?.pids ?? []) process.kill(pid, 'SIGKILL');
  removeTempDirs();
});

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

describe.skipIf(!haveKeyring)('secrets, with a real keychain', () => {
  it('resolve ${secret:NAME} from the keychain, and leave no secret value in the data dir or the CLI output', async () => {
    const env = { DBUS_SESSION_BUS_ADDRESS: bus!.address };
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    const set = spawnSync(process.execPath, [switchboardBin, 'secrets', 'set', 'GITHUB', '--data-dir', dataDir], { input: `${FROM_KEYCHAIN}\n`, env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(set.status).toBe(0);
    expect(set.stdout).toContain('stored GITHUB in the OS keychain; use it as ${secret:GITHUB}');
    expect((await runSwitchboard(['secrets', 'list', '--data-dir', dataDir], env)).stdout).toBe('GITHUB\n');
    const config = path.join(dir, 'mcp.json');
    fs.writeFileSync(config, JSON.stringify({ mcpServers: { leaky: { command: process.execPath, args: [fixture('leaky.mjs'), `--token=${IN_ARGS}`], env: { GITHUB_TOKEN: '${secret:GITHUB}', API_KEY: IN_ENV } } } }));
    const serve = await startServe(['--config', config, '--data-dir', dataDir], { ...env, SWITCHBOARD_TOKEN: TOKEN });
    await waitFor(async () => ((await (await fetch(`${serve.base}/health`)).json()) as { status: string }).status === 'ok', 'the leaky server to be ready');

    // The server got the real values: the keychain's, and the others.
    const client = new Client({ name: 'secrets-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${serve.base}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
    const reply = (await client.callTool({ name: 'leaky__env', arguments: {} })).content[0] as { text: string };
    const leaked = JSON.parse(reply.text);
    expect(leaked).toEqual({ GITHUB_TOKEN: FROM_KEYCHAIN, API_KEY: IN_ENV, argv: [`--token=${IN_ARGS}`] });
    await client.callTool({ name: 'leaky__fail', arguments: {} });
    await client.close();

    // What a person sees through the CLI.
    const outputs = [(await runSwitchboard(['status', '--json', '--data-dir', dataDir], env)).stdout, serve.stderr(), serve.stdout()];
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    for (const output of outputs) for (const secret of [FROM_KEYCHAIN, IN_ENV, IN_ARGS]) expect(output).not.toContain(secret);

    // Byte for byte: no file of the data dir holds any of them (nor their JSON-escaped forms).
    const files = filesUnder(dataDir);
    expect(files.some((file) => file.endsWith('switchboard.db'))).toBe(true);
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      for (const secret of [FROM_KEYCHAIN, IN_ENV, IN_ARGS]) expect({ file, secret, found: bytes.includes(secret) }).toEqual({ file, secret, found: false });
    }
    // And the kept logs say where the values were.
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path.join(dataDir, 'switchboard.db'), { readonly: true });
    try {
      expect((db.prepare("SELECT COUNT(*) AS n FROM logs WHERE message LIKE '%[redacted]%'").get() as { n: number }).n).toBeGreaterThan(0);
      expect((db.prepare("SELECT COUNT(*) AS n FROM messages WHERE body LIKE '%[redacted]%'").get() as { n: number }).n).toBeGreaterThan(0);
    } finally {
      db.close();
    }

    // Private files: the data dir is its owner's only, and so are the store, the token and the secrets' names.
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    for (const name of ['switchboard.db', 'secret-names.json']) expect({ name, mode: fs.statSync(path.join(dataDir, name)).mode & 0o777 }).toEqual({ name, mode: 0o600 });
  }, 60_000);

  it('fail a server whose secret is not set, with a sentence that says how to set it', async () => {
    const env = { DBUS_SESSION_BUS_ADDRESS: bus!.address };
    const dir = tempDir();
    const config = path.join(dir, 'mcp.json');
    fs.writeFileSync(config, JSON.stringify({ mcpServers: { needy: { command: process.execPath, args: [fixture('leaky.mjs')], env: { GITHUB_TOKEN: '${secret:MISSING}' } } } }));
    const serve = await startServe(['--config', config, '--data-dir', path.join(dir, 'data')], { ...env, SWITCHBOARD_TOKEN: TOKEN });
    const health = await waitFor(async () => {
      const report = (await (await fetch(`${serve.base}/health`)).json()) as { servers: { state: string; lastError: string | null }[] };
      return report.servers[0]!.state === 'failed' ? report.servers[0] : undefined;
    }, 'the server to fail');
    expect(health.lastError).toBe('secret "MISSING" is not set: set it with `switchboard secrets set MISSING` (it is kept in the OS keychain)');
  });
});

describe('secrets without a keychain', () => {
  it('say so in one sentence, and work from the encrypted file when SWITCHBOARD_SECRETS_KEY is set', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const noBus = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
    const refused = spawnSync(process.execPath, [switchboardBin, 'secrets', 'set', 'X', '--data-dir', dataDir], { input: 'value-of-x-123\n', env: { ...process.env, ...noBus }, encoding: 'utf8' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/no OS keychain can be used here .* and SWITCHBOARD_SECRETS_KEY is not set/);
    const withKey = { ...process.env, ...noBus, SWITCHBOARD_SECRETS_KEY: 'a passphrase for the test' };
    expect(spawnSync(process.execPath, [switchboardBin, 'secrets', 'set', 'X', '--data-dir', dataDir], { input: 'value-of-x-123\n', env: withKey, encoding: 'utf8' }).status).toBe(0);
    expect(spawnSync(process.execPath, [switchboardBin, 'secrets', 'list', '--data-dir', dataDir], { env: withKey, encoding: 'utf8' }).stdout).toBe('X\n');
    expect(fs.readFileSync(path.join(dataDir, 'secrets.enc')).includes('value-of-x-123')).toBe(false);
    expect(fs.statSync(path.join(dataDir, 'secrets.enc')).mode & 0o777).toBe(0o600);
    // Another key cannot read it.
    const wrong = spawnSync(process.execPath, [switchboardBin, 'secrets', 'list', '--data-dir', dataDir], { env: { ...withKey, SWITCHBOARD_SECRETS_KEY: 'not it' }, encoding: 'utf8' });
    expect(wrong.stderr).toContain('cannot be opened with the key in SWITCHBOARD_SECRETS_KEY');
  });
});
