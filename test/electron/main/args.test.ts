import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppArgsError, parseAppArgs } from '../../../electron/main/args.ts';

const defaults = { dataDir: '/home/me/.config/MCP Switchboard', cwd: '/work' };

describe('parseAppArgs', () => {
  it('uses the platform data dir and the data dir config when no option is given', () => {
    expect(parseAppArgs(['/opt/switchboard/app'], defaults)).toEqual({ dataDir: defaults.dataDir, configPath: undefined });
  });

  it('takes --data-dir and --config like `switchboard serve`, resolving them against the working directory', () => {
    expect(parseAppArgs(['.', '--data-dir', 'profiles/test', '--config=/etc/mcp.json'], defaults)).toEqual({
      dataDir: path.resolve('/work', 'profiles/test'),
      configPath: path.resolve('/etc/mcp.json'),
    });
  });

  it('leaves Chromium switches, macOS process serial numbers and the app path alone', () => {
    const argv = ['/app', '--no-sandbox', '--inspect=0', '--remote-debugging-port=0', '-psn_0_12345', '--data-dir', '/d'];
    expect(parseAppArgs(argv, defaults)).toEqual({ dataDir: path.resolve('/d'), configPath: undefined });
  });

  it('refuses an option without its path instead of swallowing the next option', () => {
    expect(() => parseAppArgs(['--data-dir'], defaults)).toThrow(AppArgsError);
    expect(() => parseAppArgs(['--config', '--data-dir', '/d'], defaults)).toThrow('--config needs a path');
  });
});
