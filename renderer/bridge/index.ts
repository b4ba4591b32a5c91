import { ipcBridge, type PreloadBridge } from './ipc.ts';
import { SocketBridge } from './socket.ts';
import type { Bridge } from './types.ts';

export type { Bridge, ConnectionState } from './types.ts';
export { SocketBridge } from './socket.ts';

/** The desktop window has the preload's object; a browser talks to `switchboard serve` over a WebSocket. */
export function createBridge(): Bridge {
  const preload = (window as unknown as { switchboard?: PreloadBridge }).switchboard;
  if (preload) return ipcBridge(preload);
  const socket = new SocketBridge();
  void socket.start();
  return socket;
}
