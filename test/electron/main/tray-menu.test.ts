import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { trayMenuTemplate, trayToolTip, type TrayActions } from '../../../electron/main/tray-menu.ts';
import { status } from './statuses.ts';

function fakeActions() {
  return {
    start: vi.fn((_server: string) => {}),
    stop: vi.fn((_server: string) => {}),
    restart: vi.fn((_server: string) => {}),
    openWindow: vi.fn(() => {}),
    quit: vi.fn(() => {}),
  } satisfies TrayActions;
}

function item(items: MenuItemConstructorOptions[], label: string | RegExp): MenuItemConstructorOptions {
  const found = items.find((i) => (typeof label === 'string' ? i.label === label : label.test(i.label ?? '')));
  if (!found) throw new Error(`no menu item ${String(label)} in ${JSON.stringify(items.map((i) => i.label))}`);
  return found;
}

function submenu(entry: MenuItemConstructorOptions): MenuItemConstructorOptions[] {
  if (!Array.isArray(entry.submenu)) throw new Error(`${entry.label} has no submenu`);
  return entry.submenu;
}

function click(entry: MenuItemConstructorOptions): void {
  // Electron passes the item, the window and the event; our handlers use none of them.
  (entry.click as () => void)();
}

function enabled(entries: MenuItemConstructorOptions[]): string[] {
  return entries.filter((e) => e.click && e.enabled !== false).map((e) => e.label!);
}

describe('the tray menu', () => {
  it('lists every server with its state, in the supervisor order', () => {
    const menu = trayMenuTemplate([status('github', { tools: 26 }), status('memory', { tools: 1 }), status('slack', { state: 'crash-loop' })], fakeActions());
    expect(menu.filter((i) => i.submenu).map((i) => i.label)).toEqual(['github: ready, 26 tools', 'memory: ready, 1 tool', 'slack: crash-loop']);
  });

  it('stops, restarts and starts the server whose submenu was used', () => {
    const actions = fakeActions();
    const menu = trayMenuTemplate([status('github', { tools: 26 }), status('slack', { state: 'stopped' })], actions);
    click(item(submenu(item(menu, /^github/)), 'Stop'));
    click(item(submenu(item(menu, /^github/)), 'Restart'));
    click(item(submenu(item(menu, /^slack/)), 'Start'));
    expect(actions.stop).toHaveBeenCalledWith('github');
    expect(actions.restart).toHaveBeenCalledWith('github');
    expect(actions.start).toHaveBeenCalledWith('slack');
    expect(actions.start).toHaveBeenCalledTimes(1);
  });

  it('greys out what makes no sense in the current state', () => {
    const menu = trayMenuTemplate(
      [status('up'), status('down', { state: 'stopped' }), status('broken', { state: 'failed' }), status('off', { state: 'disabled' }), status('busy', { state: 'stopping' })],
      fakeActions(),
    );
    expect(enabled(submenu(item(menu, /^up/)))).toEqual(['Stop', 'Restart']);
    expect(enabled(submenu(item(menu, /^down/)))).toEqual(['Start']);
    expect(enabled(submenu(item(menu, /^broken/)))).toEqual(['Start', 'Restart']);
    expect(enabled(submenu(item(menu, /^off/)))).toEqual([]);
    expect(enabled(submenu(item(menu, /^busy/)))).toEqual([]);
  });

  it("shows a failed server's last error, on one line", () => {
    const menu = trayMenuTemplate([status('slack', { state: 'failed', lastError: 'spawn npx ENOENT\n  at spawn (node:child_process)' })], fakeActions());
    expect(submenu(item(menu, /^slack/))[0]).toMatchObject({ label: 'spawn npx ENOENT', enabled: false });
    const long = trayMenuTemplate([status('x', { state: 'failed', lastError: 'e'.repeat(300) })], fakeActions());
    expect(submenu(item(long, /^x/))[0]!.label!.length).toBeLessThanOrEqual(80);
  });

  it('says so when no server is configured, and still offers the window and Quit', () => {
    const actions = fakeActions();
    const menu = trayMenuTemplate([], actions);
    expect(item(menu, 'No servers configured').enabled).toBe(false);
    click(item(menu, 'Open window'));
    click(item(menu, 'Quit'));
    expect(actions.openWindow).toHaveBeenCalledTimes(1);
    expect(actions.quit).toHaveBeenCalledTimes(1);
  });

  it('ends with Open window and Quit whatever the servers', () => {
    const menu = trayMenuTemplate([status('github')], fakeActions());
    expect(menu.slice(-3).map((i) => i.label ?? i.type)).toEqual(['separator', 'Open window', 'Quit']);
  });
});

describe('the tray tooltip', () => {
  it('counts ready servers among the enabled ones', () => {
    expect(trayToolTip('MCP Switchboard', [status('a'), status('b', { state: 'failed' }), status('c', { state: 'disabled' })])).toBe('MCP Switchboard: 1 of 2 servers ready');
    expect(trayToolTip('MCP Switchboard', [status('c', { state: 'disabled' })])).toBe('MCP Switchboard: no servers');
  });
});
