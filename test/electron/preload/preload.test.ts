import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import vm from 'node:vm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { EVENTS } from '../../../shared/contract.ts';

const root = path.resolve(import.meta.dirname, '../../..');
let bundle: string;

beforeAll(async () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-preload-'));
  await promisify(execFile)(process.execPath, [path.join(root, 'scripts/build-preload.mjs'), outDir]);
  bundle = fs.readFileSync(path.join(outDir, 'preload.cjs'), 'utf8');
  fs.rmSync(outDir, { recursive: true, force: true });
});

/** Runs the bundle the way a sandboxed renderer does: `require` knows only `electron`, here a fake. */
function runPreload(argv: string[]) {
  const exposed = new Map<string, unknown>();
  const channels = new Map<string, (event: unknown, message: unknown) => void>();
  const ipcRenderer = {
    invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, value: [] })),
    send: vi.fn((_channel: string) => {}),
    on: vi.fn((channel: string, listener: (event: unknown, message: unknown) => void) => void channels.set(channel, listener)),
  };
  const electron = { contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) }, ipcRenderer };
  const required: string[] = [];
  const require = (name: string) => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require ${name}`);
  };
  const module = { exports: {} };
  vm.runInNewContext(bundle, { require, module, exports: module.exports, process: { argv } });
  return { exposed, ipcRenderer, required, channels };
}

describe('the preload bundle', () => {
  it('is one CommonJS file that requires nothing but electron, as a sandboxed preload must', () => {
    const { required } = runPreload([]);
    expect(required).toEqual(['electron']);
  });

  it('exposes exactly one object, `switchboard`, with the version main passed and invoke, and no ipcRenderer', () => {
    const { exposed } = runPreload(['/opt/electron', '--type=renderer', '--switchboard-version=1.2.3']);
    expect([...exposed.keys()]).toEqual(['switchboard']);
    const bridge = exposed.get('switchboard') as Record<string, unknown>;
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'onEvent', 'version']);
    expect(bridge.version).toBe('1.2.3');
  });

  it('sends every call on the one channel with only the method and its argument', async () => {
    const { exposed, ipcRenderer } = runPreload(['--switchboard-version=1.2.3']);
    const bridge = exposed.get('switchboard') as { invoke(method: string, args?: unknown): Promise<unknown> };
    await expect(bridge.invoke('servers.list')).resolves.toEqual({ ok: true, value: [] });
    await bridge.invoke('servers.stop', { name: 'github' });
    expect(ipcRenderer.invoke.mock.calls).toEqual([
      ['switchboard:invoke', 'servers.list', undefined],
      ['switchboard:invoke', 'servers.stop', { name: 'github' }],
    ]);
  });

  it('answers a method the contract does not have without sending anything', async () => {
    const { exposed, ipcRenderer } = runPreload([]);
    const bridge = exposed.get('switchboard') as { invoke(method: string, args?: unknown): Promise<unknown> };
    await expect(bridge.invoke('constructor')).resolves.toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('tells main the page listens on the first subscription, and passes on only events of the contract', () => {
    const { exposed, ipcRenderer, channels } = runPreload([]);
    const bridge = exposed.get('switchboard') as { onEvent(listener: (message: unknown) => void): () => void };
    expect(ipcRenderer.send).not.toHaveBeenCalled();
    const seen: unknown[] = [];
    const unsubscribe = bridge.onEvent((message) => seen.push(message));
    bridge.onEvent(() => {});
    expect(ipcRenderer.send.mock.calls).toEqual([['switchboard:ready']]);
    const deliver = channels.get('switchboard:event')!;
    deliver({}, { name: 'catalog.changed', payload: {} });
    deliver({}, { name: 'not.an.event', payload: {} });
    expect(seen).toEqual([{ name: 'catalog.changed', payload: {} }]);
    unsubscribe();
    deliver({}, { name: 'catalog.changed', payload: {} });
    expect(seen).toHaveLength(1);
  });

  it('passes on every event of the contract (the list it checks against is the event map itself)', () => {
    const { exposed, channels } = runPreload([]);
    const bridge = exposed.get('switchboard') as { onEvent(listener: (message: { name: string }) => void): () => void };
    const seen: string[] = [];
    bridge.onEvent((message) => seen.push(message.name));
    for (const name of Object.keys(EVENTS)) channels.get('switchboard:event')!({}, { name, payload: {} });
    expect(seen).toEqual(Object.keys(EVENTS));
  });
});
