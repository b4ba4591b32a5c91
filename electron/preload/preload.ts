// The sandboxed preload: exposes exactly one object, `window.switchboard`, and never ipcRenderer itself.
// Built into one CommonJS file (scripts/build-preload.mjs): a sandboxed preload cannot load other files.
import { contextBridge, ipcRenderer } from 'electron';
import { INVOKE_CHANNEL, VERSION_SWITCH, type SwitchboardBridge } from './api.ts';

const versionArg = process.argv.find((arg) => arg.startsWith(VERSION_SWITCH));

const bridge: SwitchboardBridge = {
  version: versionArg ? versionArg.slice(VERSION_SWITCH.length) : 'unknown',
  // Only the method name and its one argument cross; the event object and the channel stay here.
  invoke: (method, ...args) => ipcRenderer.invoke(INVOKE_CHANNEL, method, args[0]),
};

contextBridge.exposeInMainWorld('switchboard', bridge);
