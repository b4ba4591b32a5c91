import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildEnv,
  CommandNotFoundError,
  expandVariables,
  launchSpec,
  mergePathLists,
  resolveCommand,
  resolveLoginShellPath,
} from '../../../../electron/core/supervisor/launch.ts';
import { removeTempDirs, tempDir } from '../../../helpers/fs.ts';

afterEach(removeTempDirs);

function executable(dir: string, name: string, body = '#!/bin/sh\nexit 0\n'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body, { mode: 0o755 });
  return file;
}

describe('buildEnv', () => {
  it("passes only the allowlisted parent variables, then the server's own env on top", () => {
    const env = buildEnv({ HOME: '/home/me', LANG: 'C.UTF-8', LC_ALL: 'C', AWS_SECRET_ACCESS_KEY: 'leak', PATH: '/bin' }, '/usr/local/bin:/bin', { API_KEY: 'k', LANG: 'de_DE.UTF-8' });
    expect(env).toEqual({ HOME: '/home/me', LANG: 'de_DE.UTF-8', LC_ALL: 'C', PATH: '/usr/local/bin:/bin', API_KEY: 'k' });
  });

  it('lets a server set its own PATH', () => {
    expect(buildEnv({ PATH: '/bin' }, '/a', { PATH: '/custom' }).PATH).toBe('/custom');
  });
});

describe('mergePathLists', () => {
  it('keeps the first occurrence of each entry and drops empty ones', () => {
    expect(mergePathLists(['/usr/bin:/bin::', '/opt/homebrew/bin:/usr/bin'], ':')).toBe('/usr/bin:/bin:/opt/homebrew/bin');
  });
});

describe('resolveCommand', () => {
  it('finds a bare name on the PATH, in PATH order', () => {
    const first = tempDir();
    const second = tempDir();
    executable(second, 'tool');
    const wanted = executable(first, 'tool');
    expect(resolveCommand('tool', { cwd: '/', pathValue: `${first}:${second}` })).toBe(wanted);
  });

  it('skips files that are not executable', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'tool'), 'not executable', { mode: 0o644 });
    expect(() => resolveCommand('tool', { cwd: '/', pathValue: dir })).toThrow(CommandNotFoundError);
  });

  it('resolves a relative path against the cwd', () => {
    const dir = tempDir();
    const file = executable(dir, 'server.sh');
    expect(resolveCommand('./server.sh', { cwd: dir, pathValue: '' })).toBe(file);
  });

  it('says which command is missing and which PATH was searched', () => {
    expect(() => resolveCommand('npx', { cwd: '/', pathValue: '/nowhere:/empty' })).toThrow('command not found: npx (searched PATH: /nowhere:/empty)');
    // A path is not looked up on PATH: the message names the file it resolved to.
    expect(() => resolveCommand('./bin/server', { cwd: '/nowhere', pathValue: '/empty' })).toThrow('command not found: ./bin/server (no executable file at /nowhere/bin/server)');
  });

  it('finds Windows shims through PATHEXT', () => {
    const files = new Set(['C:\\Program Files\\nodejs\\npx.cmd']);
    const isExecutable = (file: string) => files.has(file);
    expect(resolveCommand('npx', { cwd: 'C:\\', pathValue: 'C:\\Windows;C:\\Program Files\\nodejs', platform: 'win32', pathExt: '.EXE;.CMD', isExecutable })).toBe('C:\\Program Files\\nodejs\\npx.cmd');
  });
});

describe('launchSpec', () => {
  it('runs a Windows .cmd shim through cmd.exe with quoted arguments', () => {
    const spec = launchSpec('C:\\Program Files\\nodejs\\npx.cmd', ['-y', '@scope/server', 'a b', '50%'], 'win32', 'C:\\Windows\\System32\\cmd.exe');
    expect(spec).toEqual({
      file: 'C:\\Windows\\System32\\cmd.exe',
      args: ['/d', '/s', '/c', '""C:\\Program Files\\nodejs\\npx.cmd" -y @scope/server "a b" "50^%""'],
      windowsVerbatimArguments: true,
    });
  });

  it('spawns executables directly everywhere else', () => {
    expect(launchSpec('/usr/bin/node', ['server.js'], 'linux')).toEqual({ file: '/usr/bin/node', args: ['server.js'], windowsVerbatimArguments: false });
    expect(launchSpec('C:\\bin\\server.exe', ['x'], 'win32').file).toBe('C:\\bin\\server.exe');
  });
});

describe('expandVariables', () => {
  const host = { node: { path: '/app/node', env: {} }, resources: '/app/resources', dataDir: '/data', home: '/home/me' };
  it('expands our variables, ${userHome} and ${env:NAME}', () => {
    expect(expandVariables('${switchboard:node} ${switchboard:resources}/demo ${userHome}/x ${env:TOKEN}', host, { TOKEN: 't0k' })).toBe('/app/node /app/resources/demo /home/me/x t0k');
  });
  it('leaves unknown variables alone', () => {
    expect(expandVariables('${secret:GITHUB} ${switchboard:nope}', host, {})).toBe('${secret:GITHUB} ${switchboard:nope}');
  });
});

describe('resolveLoginShellPath', () => {
  it("reads the PATH a login shell sets up, ignoring what the shell's profile prints", async () => {
    const dir = tempDir();
    // A stand-in login shell: prints profile noise, then runs the command it is given with its own PATH.
    const shell = executable(dir, 'fake-shell', `#!/bin/sh\necho "welcome to fake shell"\nPATH=/opt/homebrew/bin:/usr/bin\nexport PATH\nshift\nexec /bin/sh -c "$1"\n`);
    await expect(resolveLoginShellPath(shell)).resolves.toBe('/opt/homebrew/bin:/usr/bin');
  });

  it('gives up quietly when the shell fails or hangs', async () => {
    const dir = tempDir();
    await expect(resolveLoginShellPath(executable(dir, 'broken', '#!/bin/sh\nexit 3\n'))).resolves.toBeUndefined();
    await expect(resolveLoginShellPath(executable(dir, 'slow', '#!/bin/sh\nsleep 5\n'), 200)).resolves.toBeUndefined();
  });
});
