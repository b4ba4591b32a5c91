// The desktop app end to end, driven by Playwright's `_electron` against the built app (`npm run build`).
// It needs the real Electron binary, which node_modules/electron downloads on first use from GitHub. Where
// that is impossible (sandboxes, offline CI) or there is no display, the whole file is skipped, and the
// describe name says which; start-electron.test.ts covers what a person sees there instead.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope, Method, ResultOf } from '../../../shared/contract.ts';
import type { SwitchboardBridge } from '../../../electron/preload/api.ts';
import type { ServerStatus } from '../../../shared/model.ts';
import { removeTempDirs, repoRoot, tempDir } from '../../helpers/fs.ts';
import { getHealth, isAlivePid } from '../../helpers/serve.ts';
import { sleep, waitFor } from '../../helpers/wait.ts';

function installedElectron(): string | undefined {
  const dir = path.join(repoRoot, 'node_modules', 'electron');
  try {
    const binary = path.join(dir, 'dist', fs.readFileSync(path.join(dir, 'path.txt'), 'utf8'));
    return fs.existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const binary = installedElectron();
const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const skipReason = !binary ? 'skipped: the Electron binary is not downloaded' : noDisplay ? 'skipped: no display (run under xvfb-run)' : '';
const version = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
const rendererUrl = pathToFileURL(path.join(repoRoot, 'dist', 'renderer', 'index.html')).href;

const launched: ElectronApplication[] = [];

afterEach(async () => {
  await Promise.all(launched.splice(0).map((app) => app.close().catch(() => {})));
  removeTempDirs();
});

/** Chromium refuses to run as root with its sandbox; the window's own sandbox (no Node) stays on. */
const chromiumFlags = process.getuid?.() === 0 ? ['--no-sandbox'] : [];

function environment(): Record<string, string> {
  const env = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  delete env.ELECTRON_RUN_AS_NODE;
  return env;
}

async function launch(dataDir: string): Promise<{ app: ElectronApplication; page: Page }> {
  const app = await _electron.launch({ executablePath: binary!, args: [...chromiumFlags, repoRoot, '--data-dir', dataDir], env: environment(), timeout: 60_000 });
  launched.push(app);
  const page = await app.firstWindow();
  return { app, page };
}

function invoke<M extends Method>(page: Page, method: M, args?: unknown): Promise<Envelope<ResultOf<M>>> {
  return page.evaluate(
    ([m, a]) => (window as unknown as { switchboard: { invoke(method: string, args?: unknown): Promise<unknown> } }).switchboard.invoke(m, a),
    [method, args] as const,
  ) as Promise<Envelope<ResultOf<M>>>;
}

async function serverState(page: Page, name: string, state: ServerStatus['state']): Promise<ServerStatus> {
  return waitFor(
    async () => {
      const result = await invoke(page, 'servers.list');
      return result.ok ? result.value.find((s) => s.name === name && s.state === state) : undefined;
    },
    `${name} to be ${state}`,
    45_000,
  );
}

function endpoint(dataDir: string): { url: string; port: number; pid: number } {
  return JSON.parse(fs.readFileSync(path.join(dataDir, 'endpoint.json'), 'utf8')) as { url: string; port: number; pid: number };
}

describe.skipIf(skipReason !== '')(`the desktop app ${skipReason}`, () => {
  beforeAll(() => {
    for (const file of ['dist/electron/main/main.js', 'dist/electron/preload/preload.cjs', 'dist/renderer/index.html']) {
      if (!fs.existsSync(path.join(repoRoot, file))) throw new Error(`${file} is missing: run \`npm run build\` first`);
    }
  });

  it('opens one sandboxed window that renders the UI, sees only window.switchboard, and shows the demo server ready through it', async () => {
    const { page } = await launch(path.join(tempDir(), 'data'));
    await waitFor(async () => (await page.title()) === 'MCP Switchboard', 'the window title');
    // index.html holds an empty #root: content there means our own scripts run under the CSP.
    await waitFor(() => page.evaluate(() => (document.getElementById('root')?.childElementCount ?? 0) > 0), 'the UI to render');
    const seen = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      const bridge = w.switchboard as SwitchboardBridge;
      return { keys: Object.keys(bridge).sort(), version: bridge.version, require: typeof w.require, process: typeof w.process, ipcRenderer: typeof w.ipcRenderer };
    });
    expect(seen).toEqual({ keys: ['invoke', 'onEvent', 'version'], version, require: 'undefined', process: 'undefined', ipcRenderer: 'undefined' });
    // The demo server runs on Electron itself as Node (ELECTRON_RUN_AS_NODE): ready means that works.
    const demo = await serverState(page, 'demo', 'ready');
    expect(demo.tools).toBeGreaterThan(0);
  });

  it('stops and starts a server from the window, and answers a mistake with our own message', async () => {
    const { page } = await launch(path.join(tempDir(), 'data'));
    await serverState(page, 'demo', 'ready');
    expect(await invoke(page, 'servers.stop', { name: 'demo' })).toEqual({ ok: true, value: null });
    await serverState(page, 'demo', 'stopped');
    expect(await invoke(page, 'servers.start', { name: 'demo' })).toEqual({ ok: true, value: null });
    await serverState(page, 'demo', 'ready');
    expect(await invoke(page, 'servers.start', { name: 'nope' })).toEqual({ ok: false, error: { code: 'not-found', message: 'no server named "nope" in the config' } });
  });

  it('runs no injected inline script, follows no link inside the window and opens no other window', async () => {
    const { app, page } = await launch(path.join(tempDir(), 'data'));
    await page.waitForLoadState('domcontentloaded');
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.head.append(script);
      return (window as unknown as { injected?: boolean }).injected === true;
    });
    expect(ran).toBe(false);
    // Plain http, so nothing is opened in the test machine's browser either.
    await page.evaluate(() => {
      window.open('http://127.0.0.1:9/popup');
      location.href = 'http://127.0.0.1:9/elsewhere';
    });
    await sleep(1000);
    expect(page.url()).toBe(rendererUrl);
    expect(app.windows()).toHaveLength(1);
  });

  it('keeps serving when the window is closed; Quit then stops every server and forgets the endpoint', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const { app, page } = await launch(dataDir);
    const demo = await serverState(page, 'demo', 'ready');
    const base = new URL(endpoint(dataDir).url).origin;

    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().forEach((w) => w.close()));
    await waitFor(() => app.windows().length === 0, 'the window to close');
    await sleep(1000);
    expect((await getHealth(base)).servers).toMatchObject([{ name: 'demo', state: 'ready' }]);

    const exited = new Promise<number | null>((resolve) => app.process().once('exit', (code) => resolve(code)));
    await app.evaluate(({ app: electronApp }) => electronApp.quit()).catch(() => {}); // It may exit before answering.
    expect(await exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'endpoint.json'))).toBe(false);
    expect(isAlivePid(demo.pid!)).toBe(false);
  });

  it('a second launch on the same data dir brings back the first window instead of starting another app', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const { app, page } = await launch(dataDir);
    await serverState(page, 'demo', 'ready');
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().forEach((w) => w.close()));
    await waitFor(() => app.windows().length === 0, 'the window to close');

    const reopened = app.waitForEvent('window', { timeout: 30_000 });
    const second = spawn(binary!, [...chromiumFlags, repoRoot, '--data-dir', dataDir], { env: environment(), stdio: 'ignore' });
    const secondExit = await new Promise<number | null>((resolve) => second.once('exit', (code) => resolve(code)));
    expect(secondExit).toBe(0);
    await reopened;
    expect(app.windows()).toHaveLength(1);
    expect(endpoint(dataDir).pid).toBe(app.process().pid);
  });
});
