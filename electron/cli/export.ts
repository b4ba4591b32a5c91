import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CLIENT_NAME } from '../../shared/access.ts';
import { CLIENT_IDS, ClientFileError, clientTokenFor, DIALECTS, exportConfig, GATEWAY_ENTRY_NAME, readInstalledEntry, installConfig, isClientId, type ExportOptions, type InstallResult } from '../core/clients/index.ts';
import { ConfigFile } from '../core/config/file.ts';
import { ConfigError } from '../core/config/parse.ts';
import { configPathOf, readEndpoint } from '../core/data-dir.ts';
import { openAccessStore } from '../core/store/index.ts';
import { defaultDataDir, packageRoot } from '../core/paths.ts';
import { toMcpUrl } from './gateway-target.ts';
import { DEFAULT_PORT, UsageError } from './usage.ts';

/**
 * `switchboard export`: a client's MCP config, in its dialect, on stdout; with `--install`, merged into the
 * client's own file (a backup first). Gateway mode: one entry reaching this Switchboard; direct mode: every
 * enabled server of our config, for the client to run itself.
 */
export async function exportCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      client: { type: 'string' },
      mode: { type: 'string', default: 'gateway' },
      'data-dir': { type: 'string' },
      config: { type: 'string' },
      url: { type: 'string' },
      install: { type: 'boolean', default: false },
      file: { type: 'string' },
      as: { type: 'string' },
    },
    strict: true,
  });
  const client = values.client;
  if (client === undefined) throw new UsageError(`--client is required: one of ${CLIENT_IDS.join(', ')}`);
  if (!isClientId(client)) throw new UsageError(`unknown client "${client}": use one of ${CLIENT_IDS.join(', ')}`);
  const mode = values.mode;
  if (mode !== 'gateway' && mode !== 'direct') throw new UsageError(`--mode must be gateway or direct, not "${mode}"`);
  if (values.file !== undefined && !values.install) throw new UsageError('--file names the file --install merges into: add --install');
  if (mode === 'gateway' && values.config !== undefined) throw new UsageError('--config is read in --mode direct only (gateway mode exports one entry for the running Switchboard)');
  if (mode === 'direct' && values.url !== undefined) throw new UsageError('--url is used in --mode gateway only (direct mode exports the servers themselves)');
  if (mode === 'direct' && values.as !== undefined) throw new UsageError('--as names the Switchboard client a gateway entry acts as: it is for --mode gateway');
  const as = values.as ?? client;
  if (!CLIENT_NAME.test(as) || as === 'admin') throw new UsageError(`--as is a client's name (letters, digits, ".", "_", "-"), not "${as}"`);
  const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir());
  const stderr = (line: string) => process.stderr.write(`${line}\n`);

  let options: ExportOptions;
  if (mode === 'gateway') {
    const url = values.url === undefined ? (readEndpoint(dataDir)?.url ?? `http://127.0.0.1:${DEFAULT_PORT}/mcp`) : toMcpUrl(values.url).href;
    // The entry acts as a Switchboard client of its own (its profile applies): a remote entry gets a new token of it.
    // An install that will be refused makes nothing; one over an entry that already works keeps its token.
    let installed: Record<string, unknown> | undefined;
    if (values.install) {
      try {
        installed = readInstalledEntry({ client, file: values.file === undefined ? undefined : path.resolve(values.file), name: GATEWAY_ENTRY_NAME });
      } catch (error) {
        if (!(error instanceof ClientFileError)) throw error;
        stderr(`${error.message} (nothing was changed)`);
        return 1;
      }
    }
    const access = openAccessStore(dataDir);
    let minted: ReturnType<typeof clientTokenFor>;
    try {
      minted = clientTokenFor(access.clients, client, as, true, installed);
    } finally {
      access.close();
    }
    if (minted.note) stderr(minted.note);
    options = {
      client,
      mode,
      endpoint: { url, token: minted.token, pinned: values.url !== undefined },
      launcher: { command: process.execPath, args: [path.join(packageRoot(), 'bin', 'switchboard.js')] },
      dataDir,
      clientName: as,
      ...(process.env.SWITCHBOARD_TOKEN ? { bridgeToken: process.env.SWITCHBOARD_TOKEN } : {}),
    };
  } else {
    const config = new ConfigFile(path.resolve(values.config ?? configPathOf(dataDir)));
    if (!fs.existsSync(config.path)) {
      stderr(`no config at ${config.path}: pass --config FILE, or run \`switchboard serve\` once to create it`);
      return 1;
    }
    try {
      config.load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      stderr(error.message);
      return 1;
    }
    options = {
      client,
      mode,
      servers: config.current.servers.values(),
      variables: {
        node: { path: process.execPath, env: {} },
        resources: path.join(packageRoot(), 'resources'),
        dataDir,
        home: process.env.HOME ?? os.homedir(),
      },
      env: process.env,
    };
  }

  const result = exportConfig(options);
  for (const warning of result.warnings) stderr(`warning: ${warning}`);
  if (!values.install) {
    process.stdout.write(`${JSON.stringify(result.config, null, 2)}\n`);
    return 0;
  }
  const label = DIALECTS[client].label;
  if (Object.keys(result.entries).length === 0) {
    stderr(`nothing to install: no server of the config can be written for ${label}`);
    return 1;
  }
  let installed: InstallResult;
  try {
    installed = installConfig({ client, file: values.file === undefined ? undefined : path.resolve(values.file), entries: result.entries });
  } catch (error) {
    if (!(error instanceof ClientFileError)) throw error;
    stderr(`${error.message} (nothing was changed)`);
    return 1;
  }
  process.stdout.write(`${describeInstall(installed)}\n`);
  if (!installed.unchanged) stderr(`restart ${label} (or reload its MCP servers) to use it`);
  if (mode === 'gateway' && installed.others.length > 0) {
    stderr(
      `note: ${installed.file} still lists ${installed.others.length} server(s) of its own (${installed.others.join(', ')}); ` +
        `\`switchboard import\` them and remove them there, or ${label} runs them beside Switchboard`,
    );
  }
  return 0;
}

/** `added switchboard to FILE (backup: FILE.switchboard-backup-...)`, one line. */
export function describeInstall(result: InstallResult): string {
  if (result.unchanged) return `${result.file} already has this entry: nothing changed`;
  const parts = [result.added.length > 0 && `added ${result.added.join(', ')}`, result.replaced.length > 0 && `replaced ${result.replaced.join(', ')}`].filter(Boolean);
  const where = result.backup === undefined ? `${result.file} (a new file)` : `${result.file} (backup: ${result.backup})`;
  return `${parts.join(' and ')} in ${where}`;
}
