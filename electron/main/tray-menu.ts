import type { MenuItemConstructorOptions } from 'electron';
import type { ServerState, ServerStatus } from '../../shared/model.ts';

/** What the tray menu's items do. */
export interface TrayActions {
  start(server: string): void;
  stop(server: string): void;
  restart(server: string): void;
  openWindow(): void;
  quit(): void;
}

// Which actions make sense in each state; the others are shown greyed out.
const STARTABLE: readonly ServerState[] = ['stopped', 'failed', 'crash-loop', 'restarting'];
const STOPPABLE: readonly ServerState[] = ['starting', 'ready', 'restarting'];
const RESTARTABLE: readonly ServerState[] = ['starting', 'ready', 'restarting', 'failed', 'crash-loop'];

/** The tray's menu: one submenu per server with its state and what can be done to it, then the window and Quit. */
export function trayMenuTemplate(statuses: readonly ServerStatus[], actions: TrayActions): MenuItemConstructorOptions[] {
  const servers: MenuItemConstructorOptions[] =
    statuses.length === 0
      ? [{ label: 'No servers configured', enabled: false }]
      : statuses.map((status) => ({
          id: `server:${status.name}`,
          label: `${status.name}: ${describeState(status)}`,
          submenu: [
            ...(status.lastError ? [{ label: truncate(status.lastError, 80), enabled: false }, { type: 'separator' as const }] : []),
            { label: 'Start', enabled: STARTABLE.includes(status.state), click: () => actions.start(status.name) },
            { label: 'Stop', enabled: STOPPABLE.includes(status.state), click: () => actions.stop(status.name) },
            { label: 'Restart', enabled: RESTARTABLE.includes(status.state), click: () => actions.restart(status.name) },
          ],
        }));
  return [
    ...servers,
    { type: 'separator' },
    { label: 'Open window', click: () => actions.openWindow() },
    { label: 'Quit', click: () => actions.quit() },
  ];
}

/** The tray icon's tooltip: how many enabled servers are ready. */
export function trayToolTip(productName: string, statuses: readonly ServerStatus[]): string {
  const enabled = statuses.filter((s) => s.state !== 'disabled');
  if (enabled.length === 0) return `${productName}: no servers`;
  const ready = enabled.filter((s) => s.state === 'ready').length;
  return `${productName}: ${ready} of ${enabled.length} servers ready`;
}

function describeState(status: ServerStatus): string {
  if (status.state === 'ready') return `ready, ${status.tools} ${status.tools === 1 ? 'tool' : 'tools'}`;
  return status.state;
}

function truncate(text: string, max: number): string {
  const line = text.split('\n', 1)[0]!;
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
