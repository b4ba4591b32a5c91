import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes a file so that readers see either the old content or the new, never a torn write:
 * write a temporary file beside it, flush it, then rename over the target. Keeps the target's mode.
 */
export function writeFileAtomic(file: string, data: string, options: { mode?: number } = {}): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let mode = options.mode;
  if (mode === undefined) {
    try {
      mode = fs.statSync(file).mode & 0o777;
    } catch {
      // A new file of ours is the user's alone: configs hold secrets (or references to them), so do records.
      mode = 0o600;
    }
  }
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  const fd = fs.openSync(temp, 'w', mode);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

/** A folder only its owner may enter (the data dir holds tokens, the store and secrets); made so if it exists. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') fs.chmodSync(dir, 0o700);
}

/** Makes existing files readable and writable by their owner only. */
export function makePrivate(...files: string[]): void {
  if (process.platform === 'win32') return;
  for (const file of files) {
    try {
      fs.chmodSync(file, 0o600);
    } catch {
      // Not there (yet): created private by whoever makes it.
    }
  }
}
