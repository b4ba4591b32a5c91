import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClientId } from './dialects.ts';

/** Where the client config files are looked for: injectable so every platform can be computed anywhere. */
export interface PlatformContext {
  home: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** The names in a folder, or [] when it does not exist (finds the Claude Desktop MSIX package folder). */
  listDir: (dir: string) => string[];
}

export function hostPlatform(): PlatformContext {
  return {
    home: os.homedir(),
    env: process.env,
    platform: process.platform,
    listDir: (dir) => {
      try {
        return fs.readdirSync(dir);
      } catch {
        return [];
      }
    },
  };
}

/**
 * The user-level config file of a client on the given platform:
 * - Claude Desktop: macOS `~/Library/Application Support/Claude/claude_desktop_config.json`; Windows the MSIX
 *   install's `%LOCALAPPDATA%\Packages\Claude_*\LocalCache\Roaming\Claude\...` when that package folder
 *   exists (the app reads only that one then), else `%APPDATA%\Claude\...`; Linux `~/.config/Claude/...`.
 * - Cursor `~/.cursor/mcp.json`; Windsurf `~/.codeium/windsurf/mcp_config.json`; Claude Code `~/.claude.json`.
 * - VS Code: the user `mcp.json` in `Code/User/` of the platform's app data folder.
 * On Linux, Electron apps (Claude Desktop, VS Code) honour `XDG_CONFIG_HOME`.
 */
export function clientConfigPath(client: ClientId, context: Partial<PlatformContext> = {}): string {
  const { home, env, platform, listDir } = { ...hostPlatform(), ...context };
  const p = platform === 'win32' ? path.win32 : path.posix;
  const appData = (): string => {
    if (platform === 'darwin') return p.join(home, 'Library', 'Application Support');
    if (platform === 'win32') return env.APPDATA || p.join(home, 'AppData', 'Roaming');
    return env.XDG_CONFIG_HOME || p.join(home, '.config');
  };
  switch (client) {
    case 'claude-desktop': {
      if (platform === 'win32') {
        const packages = p.join(env.LOCALAPPDATA || p.join(home, 'AppData', 'Local'), 'Packages');
        const msix = listDir(packages)
          .filter((name) => name.toLowerCase().startsWith('claude_'))
          .sort()[0];
        if (msix) return p.join(packages, msix, 'LocalCache', 'Roaming', 'Claude', 'claude_desktop_config.json');
      }
      return p.join(appData(), 'Claude', 'claude_desktop_config.json');
    }
    case 'cursor':
      return p.join(home, '.cursor', 'mcp.json');
    case 'vscode':
      return p.join(appData(), 'Code', 'User', 'mcp.json');
    case 'claude-code':
      return p.join(home, '.claude.json');
    case 'windsurf':
      return p.join(home, '.codeium', 'windsurf', 'mcp_config.json');
  }
}
