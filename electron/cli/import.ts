import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { planSecretMoves } from '../core/api/config-edit.ts';
import { ClientFileError, importConfig } from '../core/clients/index.ts';
import { isSecretStore, openSecretStore } from '../core/secrets/secret-store.ts';
import { ConfigFile, setServerEntry } from '../core/config/file.ts';
import { ConfigError } from '../core/config/parse.ts';
import { configPathOf, readEndpoint } from '../core/data-dir.ts';
import { defaultDataDir } from '../core/paths.ts';
import { DEFAULT_PORT, UsageError } from './usage.ts';

/**
 * `switchboard import FILE`: adds the servers of any client's MCP config to ours. Names we already have are
 * skipped unless `--overwrite`. A running Switchboard watches its config and starts the new servers.
 */
export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { 'data-dir': { type: 'string' }, config: { type: 'string' }, overwrite: { type: 'boolean', default: false }, 'keep-secrets': { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('expects one FILE: the client config to import (e.g. ~/.cursor/mcp.json)');
  const file = path.resolve(positionals[0] ?? '');
  const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir());
  const stderr = (line: string) => process.stderr.write(`${line}\n`);

  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (code ?? String(error));
    stderr(`cannot read ${file}: ${why}`);
    return 1;
  }
  const ownUrls = [readEndpoint(dataDir)?.url, `http://127.0.0.1:${DEFAULT_PORT}/mcp`].filter((url) => url !== undefined);
  let imported: ReturnType<typeof importConfig>;
  try {
    imported = importConfig(text, file, { ownUrls });
  } catch (error) {
    if (!(error instanceof ClientFileError)) throw error;
    stderr(error.message);
    return 1;
  }

  // No --config: the file the running Switchboard uses (its own --config, maybe), so what is imported starts.
  const config = new ConfigFile(path.resolve(values.config ?? configPathOf(dataDir)));
  try {
    // A config that does not exist yet starts empty, and is created by the save below.
    const exists = fs.existsSync(config.path);
    if (exists) config.load();
    const existing = new Set(exists ? config.current.servers.keys() : []);
    const lines: string[] = [];
    const toWrite: [string, Record<string, unknown>][] = [];
    for (const [name, entry] of Object.entries(imported.servers)) {
      if (existing.has(name) && !values.overwrite) {
        lines.push(`skipped ${name} (exists; --overwrite replaces it)`);
        continue;
      }
      lines.push(`${existing.has(name) ? 'replaced' : 'added'} ${name}`);
      toWrite.push([name, entry]);
    }
    // Secret-looking values (`*_TOKEN`, `*_KEY`, `Authorization`, ...) go to the keychain; mcp.json gets references.
    const moves = toWrite.flatMap(([name, entry]) => planSecretMoves(name, entry).moves);
    if (moves.length > 0 && !values['keep-secrets']) {
      const secrets = openSecretStore(dataDir);
      if (isSecretStore(secrets)) {
        for (let index = 0; index < toWrite.length; index++) {
          const [name, entry] = toWrite[index]!;
          const plan = planSecretMoves(name, entry);
          for (const [secret, value] of plan.moves) secrets.set(secret, value);
          toWrite[index] = [name, plan.entry];
        }
        lines.push(`kept ${moves.length} secret value${moves.length === 1 ? '' : 's'} in ${secrets.description}, not in mcp.json: ${moves.map(([secret]) => secret).join(', ')}`);
      } else {
        stderr(`warning: ${moves.length} secret value${moves.length === 1 ? '' : 's'} written to mcp.json as they are: ${secrets.unavailable}`);
      }
    }
    if (toWrite.length > 0) {
      config.update((raw) => {
        for (const [name, entry] of toWrite) setServerEntry(raw, name, entry);
      });
    }
    if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    stderr(error.message);
    return 1;
  } finally {
    config.dispose();
  }
  for (const warning of imported.warnings) stderr(`warning: ${warning}`);
  if (Object.keys(imported.servers).length === 0) stderr(`no servers to import in ${file}`);
  else stderr(`config: ${config.path}`);
  return 0;
}
