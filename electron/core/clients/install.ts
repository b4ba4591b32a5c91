import fs from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { writeFileAtomic } from '../base/fs.ts';
import { DIALECTS, type ClientId } from './dialects.ts';
import { detectLayout, setJsoncProperty } from './jsonc-edit.ts';
import { ClientFileError, isRecord, parseJsonc } from './jsonc.ts';
import { clientConfigPath, type PlatformContext } from './paths.ts';

export interface InstallOptions {
  client: ClientId;
  /** The file to merge into; default: the client's user-level config file on this machine. */
  file?: string;
  /** The entries to set, by name (an export's `entries`). */
  entries: Readonly<Record<string, Record<string, unknown>>>;
  /** Where to look for the client's file (tests compute other platforms). */
  platform?: Partial<PlatformContext>;
  /** The time in the backup's name. */
  now?: Date;
}

export interface InstallResult {
  file: string;
  /** The copy of the file as it was, or undefined when there was no file or nothing changed. */
  backup: string | undefined;
  /** The file did not exist and was created. */
  created: boolean;
  added: string[];
  replaced: string[];
  /** Every entry was already there, exactly so: nothing was written. */
  unchanged: boolean;
  /** The servers the file keeps besides ours. */
  others: string[];
}

/**
 * The entry named `name` in a client's config file as it is now (undefined when the file or the entry is not there).
 * Throws ClientFileError when the file cannot be read as JSON: an install would refuse it, so nothing is made for it.
 */
export function readInstalledEntry(options: { client: ClientId; file?: string; platform?: PlatformContext; name: string }): Record<string, unknown> | undefined {
  const shown = options.file ?? clientConfigPath(options.client, options.platform);
  let text: string;
  try {
    text = fs.readFileSync(fs.realpathSync(shown), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ClientFileError(shown, `cannot read ${shown}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const source = text.replace(/^\uFEFF/, '').trim() === '' ? '{}' : text.replace(/^\uFEFF/, '');
  const root = parseJsonc(source, shown);
  if (!isRecord(root)) throw new ClientFileError(shown, `${shown}: expected a JSON object; fix the file by hand first`);
  const servers = root[DIALECTS[options.client].topKey];
  const entry = isRecord(servers) ? servers[options.name] : undefined;
  return isRecord(entry) ? entry : undefined;
}

/**
 * Merges entries into a client's config file at its real path. Every other entry, and the file's comments
 * and formatting, stay as they were: only the named entries are edited, never the whole map of servers.
 * Creates the file (and its folders) when missing; otherwise writes a timestamped backup beside it first
 * (`<file>.switchboard-backup-<ISO time>`). Both writes are atomic. Throws ClientFileError, writing nothing,
 * when the existing file cannot be read as JSON.
 */
export function installConfig(options: InstallOptions): InstallResult {
  const dialect = DIALECTS[options.client];
  const shown = options.file ?? clientConfigPath(options.client, options.platform);
  let original: string | undefined;
  let file = shown;
  try {
    // Dotfile managers link these files: write through the link, not over it.
    file = fs.realpathSync(shown);
    original = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new ClientFileError(shown, `cannot read ${shown}: ${code ?? String(error)}`);
  }
  const bom = original?.startsWith('\uFEFF') ? '\uFEFF' : '';
  const before = original === undefined ? '' : original.slice(bom.length);
  const source = before.trim() === '' ? '{}' : before;
  const root = parseJsonc(source, shown);
  if (!isRecord(root)) throw new ClientFileError(shown, `${shown}: expected a JSON object; fix the file by hand first`);
  const existing = Object.hasOwn(root, dialect.topKey) ? root[dialect.topKey] : {};
  if (!isRecord(existing)) throw new ClientFileError(shown, `${shown}: "${dialect.topKey}" is not an object; fix the file by hand first`);

  const added: string[] = [];
  const replaced: string[] = [];
  let text = source;
  const layout = detectLayout(source);
  for (const [name, entry] of Object.entries(options.entries)) {
    if (Object.hasOwn(existing, name)) {
      if (isDeepStrictEqual(existing[name], entry)) continue;
      replaced.push(name);
    } else {
      added.push(name);
    }
    text = setJsoncProperty(text, [dialect.topKey, name], entry, layout);
  }
  const others = Object.keys(existing).filter((name) => !Object.hasOwn(options.entries, name));
  const result = { file: shown, created: original === undefined, added, replaced, others };
  if (original !== undefined && added.length === 0 && replaced.length === 0) return { ...result, backup: undefined, unchanged: true };

  let backup: string | undefined;
  if (original !== undefined) {
    const stamp = (options.now ?? new Date()).toISOString().replace(/[:.]/g, '-'); // `:` is not allowed in Windows file names.
    backup = `${file}.switchboard-backup-${stamp}`;
    writeFileAtomic(backup, original, { mode: fs.statSync(file).mode & 0o777 });
  }
  if (!text.endsWith('\n')) text += layout.eol;
  writeFileAtomic(file, bom + text);
  return { ...result, backup, unchanged: false };
}
