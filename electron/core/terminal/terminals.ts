import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import * as pty from '@lydell/node-pty';
import type { TerminalInfo } from '../../../shared/contract.ts';
import type { Disposable } from '../base/lifecycle.ts';
import type { ServerConfig } from '../config/schema.ts';
import { buildEnv, expandVariables, quoteForCmd, type HostVariables } from '../supervisor/launch.ts';

/** Where terminals start: the app's variables and environment, as servers get them. */
export interface TerminalHost {
  variables: HostVariables;
  parentEnv: NodeJS.ProcessEnv;
  /** The PATH servers get. */
  pathValue: string;
}

export interface TerminalSink {
  data(id: string, data: string): void;
  exit(id: string, exitCode: number, signal: number | null): void;
}

interface Terminal {
  readonly process: pty.IPty;
  pending: string;
  timer: NodeJS.Timeout | undefined;
}

/** Output is sent in batches at most this often, so a `yes` in the terminal does not flood the bridge. */
const FLUSH_MS = 16;
const MAX_TERMINALS = 16;

/**
 * The terminals of one window: shells on node-pty (@lydell/node-pty: the same code with N-API prebuilds), each in a server's cwd with the environment that server gets
 * (or in the home folder). Closed when the window goes (`dispose`), with their process groups.
 */
export class TerminalSet implements Disposable {
  private readonly terminals = new Map<string, Terminal>();

  constructor(
    private readonly host: TerminalHost,
    private readonly sink: TerminalSink,
  ) {}

  /** Opens a shell; for a server, in its cwd with its env, its command line ready to copy. */
  open(options: { server?: ServerConfig; cols: number; rows: number }): TerminalInfo {
    if (this.terminals.size >= MAX_TERMINALS) throw new Error(`at most ${MAX_TERMINALS} terminals at once: close one first`);
    const { variables, parentEnv } = this.host;
    const expand = (value: string) => expandVariables(value, variables, parentEnv);
    const server = options.server;
    let cwd = server?.cwd !== undefined ? expand(server.cwd) : variables.home;
    if (!fs.existsSync(cwd)) cwd = variables.home;
    const configured = server ? Object.fromEntries(Object.entries(server.env).map(([key, value]) => [key, expand(value)])) : {};
    const runtimeEnv = server?.command?.includes('${switchboard:node}') ? variables.node.env : {};
    const env = { ...buildEnv(parentEnv, this.host.pathValue, { ...runtimeEnv, ...configured }), TERM: 'xterm-256color', COLORTERM: 'truecolor' };
    const shell = defaultShell(parentEnv);
    const id = crypto.randomUUID();
    const child = pty.spawn(shell, [], { name: 'xterm-256color', cols: options.cols, rows: options.rows, cwd, env });
    const terminal: Terminal = { process: child, pending: '', timer: undefined };
    this.terminals.set(id, terminal);
    child.onData((data) => {
      terminal.pending += data;
      terminal.timer ??= setTimeout(() => this.flush(id, terminal), FLUSH_MS);
    });
    child.onExit(({ exitCode, signal }) => {
      this.flush(id, terminal);
      this.terminals.delete(id);
      this.sink.exit(id, exitCode, signal ?? null);
    });
    const command = server?.command !== undefined ? [expand(server.command), ...server.args.map(expand)].map(quoteForShell).join(' ') : null;
    return { id, title: server ? `${server.name}: ${shortPath(cwd)}` : shortPath(cwd), cwd, shell, command };
  }

  write(id: string, data: string): void {
    this.require(id).process.write(data);
  }

  resize(id: string, cols: number, rows: number): void {
    this.require(id).process.resize(cols, rows);
  }

  close(id: string): void {
    const terminal = this.terminals.get(id);
    if (!terminal) return;
    this.terminals.delete(id);
    clearTimeout(terminal.timer);
    kill(terminal.process);
  }

  get size(): number {
    return this.terminals.size;
  }

  dispose(): void {
    for (const id of [...this.terminals.keys()]) this.close(id);
  }

  private flush(id: string, terminal: Terminal): void {
    clearTimeout(terminal.timer);
    terminal.timer = undefined;
    if (terminal.pending === '') return;
    const data = terminal.pending;
    terminal.pending = '';
    this.sink.data(id, data);
  }

  private require(id: string): Terminal {
    const terminal = this.terminals.get(id);
    if (!terminal) throw new Error(`no terminal ${id} (it was closed)`);
    return terminal;
  }
}

/** The shell's whole process group goes: what a person started in it (a server, a `sleep`) too. */
function kill(child: pty.IPty): void {
  if (process.platform === 'win32') {
    child.kill();
    return;
  }
  try {
    process.kill(-child.pid, 'SIGHUP');
  } catch {
    // Already gone.
  }
  try {
    child.kill('SIGHUP');
  } catch {
    // Already gone.
  }
  const pid = child.pid;
  setTimeout(() => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Gone, as it should be.
    }
  }, 1000).unref();
}

function defaultShell(env: NodeJS.ProcessEnv): string {
  if (process.platform === 'win32') return env.ComSpec ?? 'cmd.exe';
  for (const candidate of [env.SHELL, '/bin/bash', '/bin/sh']) if (candidate && fs.existsSync(candidate)) return candidate;
  return '/bin/sh';
}

function quoteForShell(arg: string): string {
  if (process.platform === 'win32') return quoteForCmd(arg);
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function shortPath(dir: string): string {
  const home = os.homedir();
  return dir === home ? '~' : dir.startsWith(`${home}/`) ? `~${dir.slice(home.length)}` : dir;
}
