import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clientConfigPath, hostPlatform, type ClientId, type PlatformContext } from '../../../../electron/core/clients/index.ts';
import { removeTempDirs, tempDir } from '../../../helpers/fs.ts';

afterEach(removeTempDirs);

const mac: PlatformContext = { platform: 'darwin', home: '/Users/me', env: {}, listDir: () => [] };
const linux: PlatformContext = { platform: 'linux', home: '/home/me', env: {}, listDir: () => [] };
const windows: PlatformContext = {
  platform: 'win32',
  home: 'C:\\Users\\me',
  env: { APPDATA: 'C:\\Users\\me\\AppData\\Roaming', LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' },
  listDir: () => [],
};

const all = (context: PlatformContext) =>
  Object.fromEntries((['claude-desktop', 'cursor', 'vscode', 'claude-code', 'windsurf'] as ClientId[]).map((client) => [client, clientConfigPath(client, context)]));

describe('clientConfigPath', () => {
  it('finds every client file on macOS', () => {
    expect(all(mac)).toEqual({
      'claude-desktop': '/Users/me/Library/Application Support/Claude/claude_desktop_config.json',
      cursor: '/Users/me/.cursor/mcp.json',
      vscode: '/Users/me/Library/Application Support/Code/User/mcp.json',
      'claude-code': '/Users/me/.claude.json',
      windsurf: '/Users/me/.codeium/windsurf/mcp_config.json',
    });
  });

  it('finds every client file on Linux, honouring XDG_CONFIG_HOME for the Electron apps', () => {
    expect(all(linux)).toEqual({
      'claude-desktop': '/home/me/.config/Claude/claude_desktop_config.json',
      cursor: '/home/me/.cursor/mcp.json',
      vscode: '/home/me/.config/Code/User/mcp.json',
      'claude-code': '/home/me/.claude.json',
      windsurf: '/home/me/.codeium/windsurf/mcp_config.json',
    });
    const xdg = { ...linux, env: { XDG_CONFIG_HOME: '/home/me/xdg' } };
    expect(clientConfigPath('claude-desktop', xdg)).toBe('/home/me/xdg/Claude/claude_desktop_config.json');
    expect(clientConfigPath('vscode', xdg)).toBe('/home/me/xdg/Code/User/mcp.json');
  });

  it('finds every client file on Windows, under APPDATA', () => {
    expect(all(windows)).toEqual({
      'claude-desktop': 'C:\\Users\\me\\AppData\\Roaming\\Claude\\claude_desktop_config.json',
      cursor: 'C:\\Users\\me\\.cursor\\mcp.json',
      vscode: 'C:\\Users\\me\\AppData\\Roaming\\Code\\User\\mcp.json',
      'claude-code': 'C:\\Users\\me\\.claude.json',
      windsurf: 'C:\\Users\\me\\.codeium\\windsurf\\mcp_config.json',
    });
  });

  it('prefers the Claude Desktop MSIX location when its package folder exists', () => {
    const listed: string[] = [];
    const msix: PlatformContext = {
      ...windows,
      listDir: (dir) => {
        listed.push(dir);
        return dir === 'C:\\Users\\me\\AppData\\Local\\Packages' ? ['Microsoft.WindowsTerminal_8wekyb3d8bbwe', 'Claude_pzs8sxrjxfjjc'] : [];
      },
    };
    expect(clientConfigPath('claude-desktop', msix)).toBe(
      'C:\\Users\\me\\AppData\\Local\\Packages\\Claude_pzs8sxrjxfjjc\\LocalCache\\Roaming\\Claude\\claude_desktop_config.json',
    );
    expect(listed).toEqual(['C:\\Users\\me\\AppData\\Local\\Packages']);
  });

  it('falls back to the profile folders when APPDATA and LOCALAPPDATA are unset', () => {
    const bare: PlatformContext = { ...windows, env: {}, listDir: (dir) => (dir === 'C:\\Users\\me\\AppData\\Local\\Packages' ? ['Claude_x'] : []) };
    expect(clientConfigPath('claude-desktop', bare)).toBe('C:\\Users\\me\\AppData\\Local\\Packages\\Claude_x\\LocalCache\\Roaming\\Claude\\claude_desktop_config.json');
    expect(clientConfigPath('vscode', bare)).toBe('C:\\Users\\me\\AppData\\Roaming\\Code\\User\\mcp.json');
  });

  it("lists a real folder's names, and none for a folder that does not exist", () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'Claude_abc'));
    expect(hostPlatform().listDir(dir)).toEqual(['Claude_abc']);
    expect(hostPlatform().listDir(path.join(dir, 'missing'))).toEqual([]);
  });
});
