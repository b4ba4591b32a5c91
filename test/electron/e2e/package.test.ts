// electron-builder.yml, proven on the layout it produces: `electron-builder --linux dir` with a stand-in
// Electron (electronDist), then the built main run against that layout with the fake electron, as a
// packaged app (process.resourcesPath set). Linux only: elsewhere the stand-in would need an app bundle.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { listPackage } from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, repoRoot, tempDir } from '../../helpers/fs.ts';
import { cleanupServes, getHealth, isAlivePid, reapLater } from '../../helpers/serve.ts';
import { waitFor } from '../../helpers/wait.ts';
import { startMain, stopMains } from '../main/fake-electron/run-main.ts';

const built = ['dist/electron/main/main.js', 'dist/electron/preload/preload.cjs', 'dist/renderer/index.html'].every((file) => fs.existsSync(path.join(repoRoot, file)));
const electronVersion = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;

let resources: string;

beforeAll(async () => {
  if (!built || process.platform !== 'linux') return;
  const dir = tempDir('switchboard-package-');
  const electronDist = path.join(dir, 'electron-dist');
  fs.mkdirSync(electronDist);
  fs.writeFileSync(path.join(electronDist, 'electron'), '#!/bin/sh\n', { mode: 0o755 });
  fs.writeFileSync(path.join(electronDist, 'version'), electronVersion);
  const builder = path.join(repoRoot, 'node_modules', 'electron-builder', 'cli.js');
  await promisify(execFile)(process.execPath, [builder, '--linux', 'dir', `-c.electronDist=${electronDist}`, `-c.directories.output=${path.join(dir, 'release')}`], {
    cwd: repoRoot,
    env: { ...process.env, CI: 'true' },
  });
  resources = path.join(dir, 'release', 'linux-unpacked', 'resources');
}, 120_000);

afterAll(async () => {
  await stopMains();
  await cleanupServes();
  removeTempDirs();
});

describe.skipIf(!built || process.platform !== 'linux')(`the packaged app ${built ? '' : '(skipped: run `npm run build` first)'}`, () => {
  it("packs our code in the asar, and unpacks what runs from real files: shipped servers, icons, native modules and the servers' imports", () => {
    const inAsar = new Set(listPackage(path.join(resources, 'app.asar'), { isPack: false }).map((file) => file.replaceAll('\\', '/')));
    for (const file of ['/package.json', '/dist/electron/main/main.js', '/dist/electron/preload/preload.cjs', '/dist/renderer/index.html']) expect(inAsar, file).toContain(file);
    const unpacked = path.join(resources, 'app.asar.unpacked');
    for (const file of ['resources/demo-server/server.mjs', 'resources/icons/tray.png', 'node_modules/better-sqlite3/prebuilds/linux-x64.node', 'node_modules/@lydell/node-pty-linux-x64/pty.node', 'node_modules/@modelcontextprotocol/server/package.json', 'node_modules/zod/package.json']) {
      expect(fs.existsSync(path.join(unpacked, file)), file).toBe(true);
    }
    expect(fs.existsSync(path.join(unpacked, 'node_modules/better-sqlite3/deps')), "sqlite's sources").toBe(false);
  });

  it('starts the demo server from its unpacked resources, and stops it on Quit', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const main = startMain(path.join(repoRoot, 'dist/electron/main/main.js'), ['--data-dir', dataDir], { FAKE_ELECTRON_RESOURCES_PATH: resources });
    const endpoint = path.join(dataDir, 'endpoint.json');
    const base = await waitFor(() => new URL((JSON.parse(fs.readFileSync(endpoint, 'utf8')) as { url: string }).url).origin, 'the endpoint record').catch((error: Error) => {
      throw new Error(`${error.message}\nthe app's stderr:\n${main.stderr()}`);
    }); // Throws until it exists.
    const demo = await waitFor(async () => (await getHealth(base)).servers.find((s) => s.name === 'demo' && s.state === 'ready'), 'the demo server to be ready', 30_000);
    reapLater([demo.pid!]);
    expect(fs.readFileSync(`/proc/${demo.pid}/cmdline`, 'utf8')).toContain(path.join(resources, 'app.asar.unpacked', 'resources', 'demo-server', 'server.mjs'));
    expect(main.reported('tray')).toEqual([{ type: 'tray', iconExists: true }]);
    await main.command('quit').catch(() => {});
    expect(await main.exited).toBe(0);
    expect(isAlivePid(demo.pid!)).toBe(false);
  });
});
