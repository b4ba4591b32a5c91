import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The product name; also the name of the data folder, the same one Electron's `userData` uses. */
export const PRODUCT_NAME = 'MCP Switchboard';

/**
 * The platform's app data folder for Switchboard (the desktop app and `switchboard serve` share it):
 * `~/.config/MCP Switchboard` on Linux, `~/Library/Application Support/MCP Switchboard` on macOS,
 * `%APPDATA%\MCP Switchboard` on Windows. `SWITCHBOARD_DATA_DIR` overrides it.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = os.homedir()): string {
  if (env.SWITCHBOARD_DATA_DIR) return path.resolve(env.SWITCHBOARD_DATA_DIR);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', PRODUCT_NAME);
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), PRODUCT_NAME);
}

let root: string | undefined;

/** The folder holding our package.json (the repo in development, the app folder or asar when packaged). */
export function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the Switchboard package root');
    dir = parent;
  }
  root = dir;
  return root;
}

/** Our version, from package.json. */
export function appVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
