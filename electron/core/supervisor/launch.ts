import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * How a server's command becomes a process: the environment it gets, the absolute path of its executable,
 * and the wrapping Windows needs for `.cmd` shims. Pure functions of their inputs, plus `resolveLoginShellPath`.
 */

/** Variables of the parent passed to every server; everything else must be set in the server's `env`. */
export const ENV_ALLOWLIST: readonly string[] = [
  'HOME', 'USER', 'LOGNAME', 'SHELL', 'PATH', 'TERM', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TEMP', 'TMP',
  'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_RUNTIME_DIR', 'SSH_AUTH_SOCK', 'DISPLAY',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE',
  // Windows
  'APPDATA', 'LOCALAPPDATA', 'USERPROFILE', 'USERNAME', 'HOMEDRIVE', 'HOMEPATH', 'SystemRoot', 'SystemDrive', 'windir',
  'ComSpec', 'PATHEXT', 'ProgramFiles', 'ProgramFiles(x86)', 'ProgramData', 'PROCESSOR_ARCHITECTURE', 'NUMBER_OF_PROCESSORS',
];

/** The parent's allowlisted variables (and LC_*), with `PATH` replaced, then the server's own `env` on top. */
export function buildEnv(parent: NodeJS.ProcessEnv, pathValue: string, configured: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    if (ENV_ALLOWLIST.includes(key) || key.startsWith('LC_')) env[key] = value;
  }
  env[pathKey(parent)] = pathValue;
  return { ...env, ...configured };
}

/** Windows spells it `Path` in some environments. */
function pathKey(env: NodeJS.ProcessEnv): string {
  return Object.keys(env).find((key) => key.toUpperCase() === 'PATH') ?? 'PATH';
}

/** Joins PATH lists, first occurrence wins, empty entries dropped. */
export function mergePathLists(lists: readonly (string | undefined)[], delimiter = path.delimiter): string {
  const seen = new Set<string>();
  for (const list of lists) {
    for (const entry of (list ?? '').split(delimiter)) if (entry !== '') seen.add(entry);
  }
  return [...seen].join(delimiter);
}

export class CommandNotFoundError extends Error {
  readonly code = 'ENOENT';
  /** `searched`: the PATH searched for a bare name, or the absolute file a path resolved to. */
  constructor(
    readonly command: string,
    searched: string,
    kind: 'path' | 'file' = 'path',
  ) {
    super(kind === 'path' ? `command not found: ${command} (searched PATH: ${searched})` : `command not found: ${command} (no executable file at ${searched})`);
    this.name = 'CommandNotFoundError';
  }
}

/**
 * Resolves `command` to an absolute path: relative paths against `cwd`, bare names against `pathValue`
 * (with PATHEXT on Windows). Throws CommandNotFoundError with the PATH that was searched.
 */
export function resolveCommand(
  command: string,
  options: { cwd: string; pathValue: string; platform?: NodeJS.Platform; pathExt?: string; isExecutable?: (file: string) => boolean },
): string {
  const platform = options.platform ?? process.platform;
  const usable = options.isExecutable ?? ((file: string) => isExecutableFile(file, platform));
  const p = platform === 'win32' ? path.win32 : path.posix;
  const exts = platform === 'win32' ? ['', ...(options.pathExt ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean).map((e) => e.toLowerCase())] : [''];
  const candidates = (base: string) => exts.map((ext) => base + ext);
  if (command.includes('/') || (platform === 'win32' && command.includes('\\'))) {
    const absolute = p.resolve(options.cwd, command);
    const found = candidates(absolute).find(usable);
    if (found) return found;
    throw new CommandNotFoundError(command, absolute, 'file');
  }
  for (const dir of options.pathValue.split(platform === 'win32' ? ';' : ':')) {
    if (dir === '') continue;
    const found = candidates(p.join(dir, command)).find(usable);
    if (found) return found;
  }
  throw new CommandNotFoundError(command, options.pathValue);
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return false;
    if (platform === 'win32') return true;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The program and arguments to hand to `spawn`. */
export interface LaunchSpec {
  file: string;
  args: string[];
  /** Windows: the arguments are already quoted for cmd.exe. */
  windowsVerbatimArguments: boolean;
}

/**
 * Windows cannot spawn a `.cmd`/`.bat` shim (npx.cmd, uvx.cmd) directly (Node refuses with EINVAL):
 * it runs through `cmd.exe /d /s /c` with every argument quoted for cmd's rules.
 */
export function launchSpec(resolved: string, args: readonly string[], platform: NodeJS.Platform = process.platform, comSpec = 'cmd.exe'): LaunchSpec {
  if (platform === 'win32' && /\.(cmd|bat)$/i.test(resolved)) {
    const line = [resolved, ...args].map(quoteForCmd).join(' ');
    return { file: comSpec, args: ['/d', '/s', '/c', `"${line}"`], windowsVerbatimArguments: true };
  }
  return { file: resolved, args: [...args], windowsVerbatimArguments: false };
}

/** Quotes one argument for cmd.exe running a batch file: double quotes doubled, metacharacters escaped. */
export function quoteForCmd(arg: string): string {
  if (arg !== '' && !/[\s"&|<>^%()!]/.test(arg)) return arg;
  return `"${arg.replace(/"/g, '""').replace(/%/g, '^%').replace(/!/g, '^!')}"`;
}

/**
 * The PATH a login shell of the user's would have. GUI apps on macOS start with a bare PATH
 * (/usr/bin:/bin:...) that lacks Homebrew, nvm, volta and friends; a terminal has the real one.
 * Runs `$SHELL -ilc` once (bounded by `timeoutMs`) and returns undefined if that fails.
 */
export async function resolveLoginShellPath(shell = process.env.SHELL, timeoutMs = 5000): Promise<string | undefined> {
  if (process.platform === 'win32' || !shell) return undefined;
  const marker = '__SWITCHBOARD_PATH__';
  return new Promise((resolve) => {
    execFile(
      shell,
      ['-ilc', `printf '%s%s%s' '${marker}' "$PATH" '${marker}'`],
      { timeout: timeoutMs, encoding: 'utf8', env: { ...process.env, TERM: 'dumb' } },
      (error, stdout) => {
        const text = String(stdout);
        const match = new RegExp(`${marker}(.*)${marker}`, 's').exec(text);
        resolve(error && !match ? undefined : match?.[1]);
      },
    );
  });
}

/** Values for the `${switchboard:...}` variables a config may use (the default config does). */
export interface HostVariables {
  /** A Node runtime to run JavaScript servers with: the app's own (Electron runs as Node with ELECTRON_RUN_AS_NODE). */
  node: { path: string; env: Readonly<Record<string, string>> };
  /** The folder of bundled resources (the demo server). */
  resources: string;
  dataDir: string;
  home: string;
  /** The value of `${secret:NAME}` (from the keychain); throws with the reason when it cannot be had. */
  secret?: (name: string) => string;
}

/**
 * Expands `${switchboard:node}`, `${switchboard:resources}`, `${switchboard:dataDir}`, `${userHome}`,
 * `${env:NAME}` (the syntax Cursor and VS Code use) and `${secret:NAME}` (from the keychain, where the host gives
 * one). Unknown variables are left as they are.
 */
export function expandVariables(value: string, host: HostVariables, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$\{([a-zA-Z]+)(?::([^}]*))?\}/g, (whole, kind: string, arg: string | undefined) => {
    if (kind === 'switchboard') {
      if (arg === 'node') return host.node.path;
      if (arg === 'resources') return host.resources;
      if (arg === 'dataDir') return host.dataDir;
      return whole;
    }
    if (kind === 'userHome' && arg === undefined) return host.home;
    // Without a keychain (an export for another client), a secret stays a reference: its value is not written out.
    if (kind === 'secret' && arg !== undefined) return host.secret ? host.secret(arg) : whole;
    if (kind === 'env' && arg !== undefined) return env[arg] ?? '';
    return whole;
  });
}
