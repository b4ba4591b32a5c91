import { applyEdits, modify } from 'jsonc-parser';
import { isDeepStrictEqual } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { Emitter, type Event } from '../base/event.ts';
import type { Disposable } from '../base/lifecycle.ts';
import { writeFileAtomic } from '../base/fs.ts';
import { ConfigError, parseConfig, type ConfigDocument } from './parse.ts';

/** The config file on disk: the last good parse of it, watched for edits, saved atomically. */
export class ConfigFile implements Disposable {
  private readonly onDidChangeEmitter = new Emitter<ConfigDocument>();
  /** A valid edit of the file, to apply. */
  readonly onDidChange: Event<ConfigDocument> = this.onDidChangeEmitter.event;
  private readonly onDidFailEmitter = new Emitter<ConfigError>();
  /** An edit that cannot be used; the last good config stays in force. */
  readonly onDidFail: Event<ConfigError> = this.onDidFailEmitter.event;

  private document: ConfigDocument | undefined;
  private lastText: string | undefined;
  /** What is wrong with the file as it is on disk now (empty when it is the config in force). */
  private currentProblems: readonly string[] = [];
  private watcher: fs.FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;

  constructor(readonly path: string) {}

  /** The last good config. Throws if `load` has not succeeded. */
  get current(): ConfigDocument {
    if (!this.document) throw new Error('config not loaded');
    return this.document;
  }

  /** What is wrong with the file on disk, if its last edit could not be used (the last good config runs meanwhile). */
  get problems(): readonly string[] {
    return this.currentProblems;
  }

  /** Reads and parses the file. Throws ConfigError (with file and field) when it is unusable. */
  load(): ConfigDocument {
    let text: string;
    try {
      text = fs.readFileSync(this.path, 'utf8');
    } catch (error) {
      throw new ConfigError(this.path, [`${path.basename(this.path)}: cannot read ${this.path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
    }
    this.document = parseConfig(text, this.path);
    this.lastText = text;
    this.currentProblems = [];
    return this.document;
  }

  /** Starts watching the file; edits fire onDidChange or onDidFail. Editors that save by rename are handled. */
  watch(): void {
    if (this.watcher) return;
    // Watch the folder, not the file: an editor's rename-on-save replaces the inode a file watch would hold.
    this.watcher = fs.watch(path.dirname(this.path), { persistent: false }, (_type, name) => {
      if (name !== null && name !== path.basename(this.path)) return;
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => this.reload(), 100);
    });
    this.watcher.on('error', () => undefined);
  }

  /** Re-reads the file now (also what the watcher calls). */
  reload(): void {
    let text: string;
    try {
      text = fs.readFileSync(this.path, 'utf8');
    } catch {
      return; // Mid-rename or deleted: the last good config keeps running, the next event re-reads.
    }
    if (text === this.lastText) return;
    this.lastText = text;
    try {
      this.document = parseConfig(text, this.path);
    } catch (error) {
      if (error instanceof ConfigError) {
        this.currentProblems = error.problems;
        this.onDidFailEmitter.fire(error);
      }
      return;
    }
    this.currentProblems = [];
    this.onDidChangeEmitter.fire(this.document);
  }

  /**
   * Applies `edit` to the raw JSON of the file as it is on disk now, and saves it atomically. Nothing a person wrote
   * is lost: an edit made by hand since the last read (not seen by the watcher yet) is the base the change is made
   * on, and a file that cannot be read as a config is not written over at all (ConfigError says why, and how to go
   * on). The raw object is edited in place, so fields we do not know survive. Throws ConfigError, and writes
   * nothing, if the result is invalid.
   */
  update(edit: (raw: Record<string, unknown>) => void): ConfigDocument {
    let onDisk: string | undefined;
    try {
      onDisk = fs.readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigError(this.path, [`${path.basename(this.path)}: cannot read ${this.path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
    }
    let base = this.document?.raw ?? {};
    if (onDisk !== undefined && onDisk !== this.lastText) {
      try {
        base = parseConfig(onDisk, this.path).raw;
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        throw new ConfigError(this.path, [`${path.basename(this.path)} was edited outside Switchboard and cannot be read now, so nothing was written over it (your edit is kept): fix it first. ${error.problems.join('; ')}`]);
      }
    } else if (onDisk !== undefined && this.currentProblems.length > 0) {
      throw new ConfigError(this.path, [`${path.basename(this.path)} was edited outside Switchboard and cannot be read now, so nothing was written over it (your edit is kept): fix it first. ${this.currentProblems.join('; ')}`]);
    }
    const raw = structuredClone(base);
    edit(raw);
    const text = rewrite(onDisk, base, raw);
    const document = parseConfig(text, this.path);
    writeFileAtomic(this.path, text);
    this.lastText = text;
    this.currentProblems = [];
    this.document = document;
    this.onDidChangeEmitter.fire(document);
    return document;
  }

  dispose(): void {
    clearTimeout(this.debounce);
    this.watcher?.close();
    this.watcher = undefined;
    this.onDidChangeEmitter.dispose();
    this.onDidFailEmitter.dispose();
  }
}

/** Sets one server entry in a raw config, keeping that entry's unknown fields. */
export function setServerEntry(raw: Record<string, unknown>, name: string, entry: Record<string, unknown>): void {
  const servers = isRecord(raw.mcpServers) ? raw.mcpServers : {};
  raw.mcpServers = { ...servers, [name]: entry };
}

export function removeServerEntry(raw: Record<string, unknown>, name: string): void {
  if (isRecord(raw.mcpServers)) delete raw.mcpServers[name];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The file's new text: the changed parts edited in place (jsonc-parser), so comments, order and layout of everything
 * else stay as the person wrote them; a server entry the window changed is written whole. A new file is plain JSON.
 */
function rewrite(onDisk: string | undefined, before: Record<string, unknown>, after: Record<string, unknown>): string {
  if (onDisk === undefined || onDisk.trim() === '') return `${JSON.stringify(after, null, 2)}\n`;
  const changed: string[][] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const was = before[key];
    const now = after[key];
    if (key === 'mcpServers' && isObject(was) && isObject(now)) {
      for (const name of new Set([...Object.keys(was), ...Object.keys(now)])) if (!isDeepStrictEqual(was[name], now[name])) changed.push([key, name]);
    } else if (!isDeepStrictEqual(was, now)) changed.push([key]);
  }
  const indent = /^([ \t]+)\S/m.exec(onDisk)?.[1] ?? '  ';
  const formattingOptions = { insertSpaces: !indent.startsWith('\t'), tabSize: indent.startsWith('\t') ? 1 : indent.length, eol: onDisk.includes('\r\n') ? '\r\n' : '\n' };
  let text = onDisk;
  for (const at of changed) {
    const value = at.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), after);
    text = applyEdits(text, modify(text, at, value, { formattingOptions }));
  }
  return text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
