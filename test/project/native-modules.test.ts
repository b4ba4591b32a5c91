// better-sqlite3 and node-pty must be N-API builds: one binary then loads in Node and in Electron alike,
// which is what lets the desktop app ship without rebuilding them against Electron's headers. Both come as
// prebuilt binaries inside npm packages, so installing needs no compiler and no download of Node's headers.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/fs.ts';

const require = createRequire(import.meta.url);

/** True if the shared object registers itself through N-API (its symbol table names the N-API entry point). */
function isNapiBinary(file: string): boolean {
  return fs.readFileSync(file).includes('napi_register_module_v1');
}

describe('native modules', () => {
  it('better-sqlite3 loads an N-API binary and works', () => {
    const binary = path.join(repoRoot, 'node_modules', 'better-sqlite3', 'prebuilds', `${process.platform}-${process.arch}.node`);
    expect(isNapiBinary(binary)).toBe(true);
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    const db = new Database(':memory:');
    expect(db.prepare('SELECT 40 + 2 AS answer').get()).toEqual({ answer: 42 });
    db.close();
  });

  it('node-pty (@lydell/node-pty) is a prebuilt N-API binary and runs a command in a pseudo-terminal', async () => {
    const binary = path.join(repoRoot, 'node_modules', '@lydell', `node-pty-${process.platform}-${process.arch}`, 'pty.node');
    expect(isNapiBinary(binary)).toBe(true);
    // Nothing was compiled here: there is no build folder of a node-gyp build.
    expect(fs.existsSync(path.join(repoRoot, 'node_modules', '@lydell', 'node-pty', 'build'))).toBe(false);
    const pty = require('@lydell/node-pty') as typeof import('@lydell/node-pty');
    const terminal = pty.spawn('/bin/sh', ['-c', 'printf "tty:%s" "$(tty >/dev/null && echo yes)"'], { cols: 80, rows: 24 });
    let output = '';
    terminal.onData((data) => (output += data));
    const exitCode = await new Promise<number>((resolve) => terminal.onExit(({ exitCode: code }) => resolve(code)));
    expect(exitCode).toBe(0);
    expect(output).toContain('tty:yes');
  });
});
