import type { TerminalInfo } from '../../shared/contract.ts';
import { call } from './call.ts';
import type { SliceContext } from './types.ts';

export interface TerminalTab extends TerminalInfo {
  exitCode: number | null;
}

export interface TerminalsSlice {
  tabs: TerminalTab[];
  active: string | null;
  open(server?: string): Promise<void>;
  close(id: string): Promise<void>;
  activate(id: string): void;
  markExited(id: string, exitCode: number): void;
  /** The connection dropped: the core closed this window's terminals with it. */
  markAllClosed(): void;
  write(id: string, data: string): void;
  resize(id: string, cols: number, rows: number): void;
}

/**
 * Terminal output is high-rate: it goes from the bridge straight to the xterm of its tab, not through the store.
 * Output that arrives before its xterm exists is held here.
 */
export class TerminalOutput {
  private readonly sinks = new Map<string, (data: string) => void>();
  private readonly held = new Map<string, string[]>();

  attach(id: string, sink: (data: string) => void): () => void {
    this.sinks.set(id, sink);
    for (const data of this.held.get(id) ?? []) sink(data);
    this.held.delete(id);
    return () => {
      if (this.sinks.get(id) === sink) this.sinks.delete(id);
    };
  }

  write(id: string, data: string): void {
    const sink = this.sinks.get(id);
    if (sink) sink(data);
    else this.held.set(id, [...(this.held.get(id) ?? []), data].slice(-1000));
  }

  forget(id: string): void {
    this.sinks.delete(id);
    this.held.delete(id);
  }
}

export const terminalOutput = new TerminalOutput();

export function createTerminalsSlice({ api, get, patch }: SliceContext): TerminalsSlice {
  return {
    tabs: [],
    active: null,
    open: async (server) => {
      const info = await get().app.attempt('open a terminal', () => call(api, 'terminal.open', { server, cols: 100, rows: 30 }));
      if (info) patch('terminals', (terminals) => ({ tabs: [...terminals.tabs, { ...info, exitCode: null }], active: info.id }));
    },
    close: async (id) => {
      patch('terminals', (terminals) => {
        const tabs = terminals.tabs.filter((tab) => tab.id !== id);
        return { tabs, active: terminals.active === id ? (tabs.at(-1)?.id ?? null) : terminals.active };
      });
      terminalOutput.forget(id);
      await api.invoke('terminal.close', { id });
    },
    activate: (active) => patch('terminals', { active }),
    markExited: (id, exitCode) => patch('terminals', (terminals) => ({ tabs: terminals.tabs.map((tab) => (tab.id === id ? { ...tab, exitCode } : tab)) })),
    markAllClosed: () => patch('terminals', (terminals) => ({ tabs: terminals.tabs.map((tab) => (tab.exitCode === null ? { ...tab, exitCode: -1 } : tab)) })),
    write: (id, data) => void api.invoke('terminal.write', { id, data }),
    resize: (id, cols, rows) => void api.invoke('terminal.resize', { id, cols, rows }),
  };
}
