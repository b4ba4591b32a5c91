import crypto from 'node:crypto';
import { writeFileAtomic } from '../base/fs.ts';
import { dataDirFiles } from '../data-dir.ts';

/** A new bearer token, written to the data dir's `token` file (mode 0600) for the next start and other commands. */
export function storeNewToken(dataDir: string): string {
  const token = crypto.randomBytes(32).toString('base64url');
  writeFileAtomic(dataDirFiles(dataDir).token, `${token}\n`, { mode: 0o600 });
  return token;
}
