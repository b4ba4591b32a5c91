// `npm start` (scripts/start-electron.mjs) as a process. The binary is replaced: a missing one through
// ELECTRON_OVERRIDE_DIST_PATH pointing at an empty folder, a present one by a shell script standing in.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, repoRoot, tempDir } from '../../helpers/fs.ts';
import { waitFor } from '../../helpers/wait.ts';

const launcher = path.join(repoRoot, 'scripts', 'start-electron.mjs');
const built = fs.existsSync(path.join(repoRoot, 'dist', 'electron', 'main', 'main.js'));

afterEach(() => removeTempDirs());

function runLauncher(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [launcher, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', () => {});
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

/** A stand-in Electron: a shell script named `electron` in a folder of its own. */
function fakeElectron(script: string): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'electron'), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return dir;
}

describe('npm start', () => {
  it('without an Electron binary and no way to download one, says so in one sentence, points to `npm run serve` and exits 1', async () => {
    const dir = tempDir();
    const unreachable = 'http://127.0.0.1:9/';
    const run = runLauncher([], {
      ELECTRON_OVERRIDE_DIST_PATH: path.join(dir, 'no-electron-here'),
      // The download must fail here and now, whatever the machine's network or npm config.
      ELECTRON_MIRROR: unreachable,
      npm_config_electron_mirror: unreachable,
      electron_config_cache: path.join(dir, 'empty-cache'),
    });
    expect(await run.exited).toBe(1);
    const lines = run.stderr().trim().split('\n');
    expect(lines.at(-1)).toMatch(/^The Electron binary could not be downloaded \(.+\); run `npm run serve` to use Switchboard in your browser instead\.$/);
    expect(run.stderr()).not.toMatch(/^\s+at /m);
  }, 70_000);

  describe.skipIf(process.platform === 'win32')('with a binary (a shell script stands in for Electron)', () => {
    it.skipIf(!built)('runs the built app with the arguments given, without ELECTRON_RUN_AS_NODE, and exits with its code', async () => {
      const out = path.join(tempDir(), 'seen');
      const dir = fakeElectron(`printf '%s\\n' "$@" "run-as-node=\${ELECTRON_RUN_AS_NODE-unset}" > "$SEEN"; exit 3`);
      const run = runLauncher(['--data-dir', '/tmp/a folder', '--config', 'mcp.json'], { ELECTRON_OVERRIDE_DIST_PATH: dir, SEEN: out, ELECTRON_RUN_AS_NODE: '1' });
      expect(await run.exited).toBe(3);
      expect(fs.readFileSync(out, 'utf8').trim().split('\n')).toEqual([repoRoot, '--data-dir', '/tmp/a folder', '--config', 'mcp.json', 'run-as-node=unset']);
    });

    it.skipIf(!built)('passes SIGTERM on to Electron so the app can stop its servers, and exits with its code', async () => {
      const out = path.join(tempDir(), 'seen');
      const dir = fakeElectron(`trap 'echo stopping > "$SEEN"; exit 0' TERM; echo running > "$SEEN"; while :; do sleep 0.05; done`);
      const run = runLauncher([], { ELECTRON_OVERRIDE_DIST_PATH: dir, SEEN: out });
      await waitFor(() => fs.existsSync(out) && fs.readFileSync(out, 'utf8').includes('running'), 'the stand-in to start');
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(fs.readFileSync(out, 'utf8').trim()).toBe('stopping');
    });
  });
});
