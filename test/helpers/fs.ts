import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];

/** A fresh temporary directory, removed by `removeTempDirs` (call it in afterAll/afterEach). */
export function tempDir(prefix = 'switchboard-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const fixture = (name: string) => path.join(repoRoot, 'test', 'fixtures', 'servers', name);
export const binOf = (pkg: string, bin: string) => path.join(repoRoot, 'node_modules', pkg, bin);
