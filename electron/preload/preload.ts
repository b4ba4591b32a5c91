// The sandboxed preload: exposes exactly one object, `window.switchboard`, built from the contract, and never
// ipcRenderer itself. Built into one CommonJS file (scripts/build-preload.mjs): a sandboxed preload cannot load
// other files.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_NAMES, isMethod, type EventMessage } from '../../shared/contract.ts';
import { EVENT_CHANNEL, INVOKE_CHANNEL, READY_CHANNEL, VERSION_SWITCH, type SwitchboardBridge } from './api.ts';

const versionArg = process.argv.find((arg) => arg.startsWith(VERSION_SWITCH));
const eventNames = new Set<string>(EVENT_NAMES);
const listeners = new Set<(message: EventMessage) => void>();
let subscribed = false;

const bridge: SwitchboardBridge = {
  version: versionArg ? versionArg.slice(VERSION_SWITCH.length) : 'unknown',
  // Only the method name and its one argument cross; the event object and the channel stay here.
  invoke: (method, ...args) => {
    if (!isMethod(method)) return Promise.resolve({ ok: false, error: { code: 'unknown-method', message: `no method named ${JSON.stringify(method)}` } });
    return ipcRenderer.invoke(INVOKE_CHANNEL, method, args[0]);
  },
  onEvent: (listener) => {
    listeners.add(listener);
    if (!subscribed) {
      subscribed = true;
      ipcRenderer.on(EVENT_CHANNEL, (_event: IpcRendererEvent, message: EventMessage) => {
        if (!message || !eventNames.has(message.name)) return;
        for (const each of [...listeners]) each(message);
      });
      ipcRenderer.send(READY_CHANNEL);
    }
    return () => void listeners.delete(listener);
  },
};

contextBridge.exposeInMainWorld('switchboard', bridge);
