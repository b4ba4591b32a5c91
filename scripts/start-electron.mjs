// `npm start`: runs the built desktop app with the Electron binary from node_modules/electron.
// Without the binary (it downloads on first use) it tries the download once; if that fails it says so in
// one sentence and points to `npm run serve`. Arguments (--data-dir, --config) pass through.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DOWNLOAD_TIMEOUT_MS = 60_000;
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** The binary's path if it is there, the way node_modules/electron/index.js finds it (without downloading). */
function electronBinary(electronDir) {
  let relative;
  try {
    relative = fs.readFileSync(path.join(electronDir, 'path.txt'), 'utf8');
  } catch {
    // Not downloaded yet.
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!relative && !override) return undefined;
  const binary = override ? path.join(override, relative || 'electron') : path.join(electronDir, 'dist', relative);
  return fs.existsSync(binary) ? binary : undefined;
}

/** Runs Electron's own installer once, quietly, within the time limit. Resolves with why it failed, if it did. */
function download(electronDir) {
  process.stderr.write('Downloading the Electron binary (first run)…\n');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(electronDir, 'install.js')], { cwd: electronDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk) => {
      output = (output + chunk).slice(-20_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), DOWNLOAD_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve(error.message);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(`no answer within ${DOWNLOAD_TIMEOUT_MS / 1000} s`);
      else resolve(code === 0 ? undefined : firstErrorLine(output) ?? `the installer exited with code ${code}`);
    });
  });
}

/** "TypeError: fetch failed\n    at …" → "fetch failed". */
function firstErrorLine(output) {
  const line = output
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('at ') && !l.startsWith('Downloading'));
  return line?.replace(/^[A-Za-z]*Error:\s*/, '').slice(0, 160);
}

const require = createRequire(import.meta.url);
let electronDir;
try {
  electronDir = path.dirname(require.resolve('electron/package.json'));
} catch {
  fail('Electron is not installed: run `npm install` first, or `npm run serve` to use Switchboard in your browser.');
}
let binary = electronBinary(electronDir);
if (!binary) {
  const reason = await download(electronDir);
  binary = electronBinary(electronDir);
  if (!binary) fail(`The Electron binary could not be downloaded (${reason ?? 'the installer reported no error but left no binary'}); run \`npm run serve\` to use Switchboard in your browser instead.`);
}

// Checked after the binary: without Electron, building first would not help.
const main = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).main;
if (!fs.existsSync(path.join(root, main))) fail(`The app is not built yet (${main} is missing): run \`npm run build\` first.`);

const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE; // Set, it would make Electron behave as plain Node.
const child = spawn(binary, [root, ...process.argv.slice(2)], { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => fail(`Electron could not be started (${error.message}); run \`npm run serve\` to use Switchboard in your browser instead.`));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0)));
