// electron/main/main.ts run for real in plain Node, with the `electron` package replaced by a fake
// (fake-electron/): the core, the HTTP endpoint, the window's settings, IPC, the tray and the quit sequence
// are all ours and all real; only Electron's own objects are stand-ins. The real window is e2e/app.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs, repoRoot, tempDir } from '../../helpers/fs.ts';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { cleanupServes, getHealth, isAlivePid, reapLater, runSwitchboard } from '../../helpers/serve.ts';
import { sleep, waitFor } from '../../helpers/wait.ts';
import { startMain as startEntry, stopMains, type MainProcess, type MenuEntry } from './fake-electron/run-main.ts';

const mainTs = path.join(repoRoot, 'electron', 'main', 'main.ts');

afterEach(async () => {
  await stopMains();
  await cleanupServes();
  removeTempDirs();
});

const startMain = (args: string[], env: NodeJS.ProcessEnv = {}) => startEntry(mainTs, args, env);

async function started(dataDir: string, env: NodeJS.ProcessEnv = {}) {
  const main = startMain(['--data-dir', dataDir], env);
  await waitFor(() => main.reported('window').length > 0 || main.child.exitCode !== null, 'the window');
  if (main.child.exitCode !== null) throw new Error(`main exited early:\n${main.stderr()}`);
  return main;
}

function endpoint(dataDir: string): { url: string; port: number; pid: number } {
  return JSON.parse(fs.readFileSync(path.join(dataDir, 'endpoint.json'), 'utf8')) as { url: string; port: number; pid: number };
}

/** The demo server, and one that ignores SIGTERM and stdin: only a real shutdown (SIGKILL at the deadline) stops it. */
async function startedWithStubbornServer(dir: string) {
  const config = path.join(dir, 'mcp.json');
  const demo = { command: '${switchboard:node}', args: ['${switchboard:resources}/demo-server/server.mjs'] };
  fs.writeFileSync(config, JSON.stringify({ mcpServers: { demo, stubborn: { command: process.execPath, args: [fixture('hang.mjs')] } } }));
  const dataDir = path.join(dir, 'data');
  const main = startMain(['--data-dir', dataDir, '--config', config]);
  const base = await waitFor(() => new URL(endpoint(dataDir).url).origin, 'the endpoint record');
  const servers = await waitFor(async () => {
    const health = await getHealth(base);
    return health.servers.every((s) => s.state === 'ready') && health.servers.length === 2 ? health.servers : undefined;
  }, 'both servers to be ready', 30_000);
  const pids = servers.map((s) => s.pid!);
  reapLater(pids); // Each server leads its own process group.
  return { main, dataDir, pids };
}

async function trayLabel(main: MainProcess, pattern: RegExp): Promise<string> {
  return waitFor(async () => (await main.command<{ menu: MenuEntry[] }>('tray')).menu.find((entry) => pattern.test(entry.label))?.label, `a tray entry ${pattern}`, 30_000);
}

describe('the Electron main process (with a fake electron)', () => {
  it('starts the demo server, serves /health on 127.0.0.1, records the endpoint and opens a locked-down window', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const main = await started(dataDir);
    expect(main.reported('set-path')).toEqual([{ type: 'set-path', name: 'userData', value: dataDir }]);
    const [window] = main.reported('window');
    expect(window).toMatchObject({ webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false }, preloadExists: expect.any(Boolean) });
    expect(String((window!.webPreferences as { preload: string }).preload)).toMatch(/preload[/\\]preload\.cjs$/);
    expect((window!.webPreferences as { additionalArguments: string[] }).additionalArguments).toEqual([expect.stringMatching(/^--switchboard-version=\d+\.\d+\.\d+/)]);
    // Reported after the window, in its own message: it may not have arrived yet.
    await waitFor(() => main.reported('load-file').length > 0, 'the window to load its page');
    expect(main.reported('load-file')).toEqual([{ type: 'load-file', file: path.join(repoRoot, 'renderer', 'index.html') }]);

    const record = await waitFor(() => endpoint(dataDir), 'the endpoint record');
    expect(record.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const base = new URL(record.url).origin;
    await waitFor(async () => (await getHealth(base)).servers.some((s) => s.name === 'demo' && s.state === 'ready'), 'the demo server to be ready', 30_000);
  });

  it('answers calls from its window over IPC and refuses other pages and iframes', async () => {
    const main = await started(path.join(tempDir(), 'data'));
    const list = await main.command<{ ok: boolean; value: { name: string }[] }>('invoke', { method: 'servers.list' });
    expect(list).toMatchObject({ ok: true, value: [{ name: 'demo' }] });
    for (const sender of ['other', 'iframe']) {
      expect(await main.command('invoke', { method: 'servers.stop', args: { name: 'demo' }, sender })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
  });

  it('holds events for the window until its page listens, then sends them', async () => {
    const main = await started(path.join(tempDir(), 'data'));
    await trayLabel(main, /^demo: ready/);
    expect(main.reported('send')).toEqual([]);
    await main.command('ready', { sender: 'other' }); // Another page saying it listens changes nothing.
    expect(main.reported('send')).toEqual([]);
    await main.command('ready');
    await waitFor(() => main.reported('send').some((event) => event.channel === 'switchboard:event' && event.name === 'servers.changed'), 'the queued events');
    const calls = await main.command<{ ok: boolean; value: { tools: { name: string }[] } }>('invoke', { method: 'catalog.get' });
    expect(calls.value.tools.map((tool) => tool.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^demo__/)]));
  });

  it('lists the servers in the tray and stops one from its submenu', async () => {
    const main = await started(path.join(tempDir(), 'data'));
    await trayLabel(main, /^demo: ready, \d+ tools?$/);
    expect((await main.command<{ toolTip: string }>('tray')).toolTip).toBe('MCP Switchboard: 1 of 1 servers ready');
    await main.command('tray-click', { path: [{ pattern: '^demo' }, 'Stop'] });
    await trayLabel(main, /^demo: stopped$/);
  });

  it('keeps running with its servers when the window closes, and a second instance brings the window back', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const main = await started(dataDir);
    await trayLabel(main, /^demo: ready/);
    expect(await main.command('close-window')).toBe(0);
    await sleep(500);
    expect(main.child.exitCode).toBeNull();
    expect((await getHealth(new URL(endpoint(dataDir).url).origin)).servers).toMatchObject([{ name: 'demo', state: 'ready' }]);
    expect(await main.command('second-instance')).toBe(1);
    expect(main.reported('window')).toHaveLength(2);
  });

  it('Quit in the tray stops every server, even one that ignores SIGTERM, forgets the endpoint and exits 0', async () => {
    const { main, dataDir, pids } = await startedWithStubbornServer(tempDir());
    await trayLabel(main, /^stubborn: ready/);
    await main.command('tray-click', { path: ['Quit'] }).catch(() => {}); // The process may be gone before it answers.
    expect(await main.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'endpoint.json'))).toBe(false);
    expect(pids.filter(isAlivePid)).toEqual([]);
  });

  it('on SIGTERM (Ctrl+C through npm start) stops every server and exits 0', async () => {
    const { main, pids } = await startedWithStubbornServer(tempDir());
    main.child.kill('SIGTERM');
    expect(await main.exited).toBe(0);
    expect(pids.filter(isAlivePid)).toEqual([]);
  });

  it('keeps every navigation inside the window from happening and sends only https links to the browser', async () => {
    const main = await started(path.join(tempDir(), 'data'));
    expect(await main.command('navigate', { url: 'https://modelcontextprotocol.io' })).toEqual({ navigationPrevented: true, windowOpen: 'deny' });
    expect(await main.command('navigate', { url: 'http://example.com' })).toEqual({ navigationPrevented: true, windowOpen: 'deny' });
    expect(await main.command('navigate', { url: 'file:///etc/passwd' })).toEqual({ navigationPrevented: true, windowOpen: 'deny' });
    // One https URL, opened once by each of the two paths (navigation and window.open).
    expect(main.reported('open-external')).toEqual([
      { type: 'open-external', url: 'https://modelcontextprotocol.io' },
      { type: 'open-external', url: 'https://modelcontextprotocol.io' },
    ]);
  });

  it("shows a desktop notification when a client's call waits for the person's approval", async () => {
    const dir = tempDir();
    const config = path.join(dir, 'mcp.json');
    fs.writeFileSync(config, JSON.stringify({ mcpServers: { notes: { command: process.execPath, args: [fixture('annotated.mjs'), 'notes'] } } }));
    const dataDir = path.join(dir, 'data');
    const main = startMain(['--data-dir', dataDir, '--config', config]);
    const base = await waitFor(() => new URL(endpoint(dataDir).url).origin, 'the endpoint record');
    await waitFor(async () => (await getHealth(base)).status === 'ok', 'the server ready', 30_000);
    const made = await runSwitchboard(['clients', 'add', 'agent', '--ask-timeout', '2', '--json', '--data-dir', dataDir]);
    const { token } = JSON.parse(made.stdout) as { token: string };
    const client = new Client({ name: 'agent', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    try {
      const call = client.callTool({ name: 'notes__delete_notes', arguments: { note: 'private words' } });
      const [notice] = await waitFor(() => (main.reported('notification').length > 0 ? main.reported('notification') : undefined), 'a desktop notification');
      expect(notice).toMatchObject({ title: 'agent asks to run notes__delete_notes', body: expect.stringContaining('Server notes') });
      expect(JSON.stringify(notice)).not.toContain('private words');
      expect((await call).isError).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('puts its Content-Security-Policy on what the window loads', async () => {
    const main = await started(path.join(tempDir(), 'data'));
    const response = await main.command<{ responseHeaders: Record<string, string[]> }>('headers', { responseHeaders: { 'content-type': ['text/html'] } });
    expect(response.responseHeaders['Content-Security-Policy']![0]).toMatch(/^default-src 'none'; script-src 'self';/);
  });

  it('as a second instance (the lock is taken) exits at once without touching the data dir', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const main = startMain(['--data-dir', dataDir], { FAKE_ELECTRON_LOCK: 'taken' });
    expect(await main.exited).toBe(0);
    expect(main.reported('window')).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'switchboard.db'))).toBe(false);
  });

  it('says in one sentence, in a dialog, why it cannot start: a bad argument, a data dir already in use', async () => {
    const bad = startMain(['--data-dir']);
    expect(await bad.exited).toBe(2);
    expect(bad.reported('error-box')).toEqual([{ type: 'error-box', title: 'MCP Switchboard', message: '--data-dir needs a path (--data-dir PATH)' }]);

    const dataDir = path.join(tempDir(), 'data');
    const first = await started(dataDir);
    await trayLabel(first, /^demo/);
    const second = startMain(['--data-dir', dataDir]); // The fake lock is per process: the store refuses instead.
    expect(await second.exited).toBe(1);
    expect(second.reported('error-box')).toEqual([{ type: 'error-box', title: 'MCP Switchboard', message: expect.stringMatching(/^another Switchboard \(pid \d+\) is using the data dir/) }]);
  });
});
