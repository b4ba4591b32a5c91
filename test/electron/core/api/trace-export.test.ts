// OTLP export set from the window (the API): spans reach the collector with the headers given, and a header's value
// (a collector's key) is kept in the secret store only: not in the store's settings, the data dir's files or the answers.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallArgs, Method, ResultOf } from '../../../../shared/contract.ts';
import { ApiService, type ApiSession } from '../../../../electron/core/api/index.ts';
import type { Switchboard } from '../../../../electron/core/switchboard.ts';
import { fixture, removeTempDirs, tempDir } from '../../../helpers/fs.ts';
import { nodeServer, startCore, stopCores, waitForState } from '../../../helpers/core.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../../../helpers/otlp.ts';
import { waitFor } from '../../../helpers/wait.ts';

const KEY = 'collector-key-3f9a7c1e5b';
let app: Switchboard;
let dataDir: string;
let service: ApiService;
let session: ApiSession;
let receiver: OtlpReceiver;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // No keychain here (no session bus): the encrypted file of SWITCHBOARD_SECRETS_KEY is the secret store.
  const env = { ...process.env, SWITCHBOARD_SECRETS_KEY: 'a passphrase for the test', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_BSP_SCHEDULE_DELAY: '100' };
  const core = await startCore({ fidelity: nodeServer(fixture('fidelity.mjs')) }, { env });
  app = core.app;
  dataDir = core.dataDir;
  await waitForState(app, 'fidelity', 'ready');
  service = new ApiService(app, {
    endpoint: () => 'http://127.0.0.1:7780/mcp',
    token: () => 'token',
    regenerateToken: () => 'token',
    tokenFromEnv: false,
    launcher: { command: '/usr/bin/node', args: ['/opt/switchboard/bin/switchboard.js'] },
    platform: { home: tempDir(), env: {}, platform: 'linux' },
  });
  session = service.openSession(() => undefined);
});

afterAll(async () => {
  service?.dispose();
  await stopCores();
  await receiver?.close();
  removeTempDirs();
});

async function call<M extends Method>(method: M, ...args: CallArgs<M>): Promise<ResultOf<M>> {
  const result = await session.dispatch(method, args[0]);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as ResultOf<M>;
}

describe('trace export set in the window', () => {
  it('is off until turned on, then sends the calls with the headers given', async () => {
    expect(await call('telemetry.otlp')).toMatchObject({ source: 'window', enabled: false, settings: null });
    await expect(call('telemetry.setOtlp', { enabled: true, endpoint: '' })).rejects.toThrow(/give the collector's OTLP\/HTTP traces URL/);
    const view = await call('telemetry.setOtlp', { enabled: true, endpoint: `${receiver.url}/v1/traces`, headers: { 'x-api-key': KEY } });
    expect(view).toMatchObject({ enabled: true, endpoint: `${receiver.url}/v1/traces`, settings: { headerNames: ['x-api-key'] } });
    expect(JSON.stringify(view)).not.toContain(KEY);

    await call('tools.call', { callId: 'c1', name: 'fidelity__link', arguments: {} });
    const span = await waitFor(() => receiver.spans.find((each) => each.name === 'tools/call link'), 'the call at the collector', 10_000, 100);
    expect(span.attributes['switchboard.server']).toBe('fidelity');
    expect(receiver.headers.at(-1)?.['x-api-key']).toBe(KEY);
    await waitFor(async () => ((await call('telemetry.otlp')).exported > 0 ? true : undefined), 'the export counted');
  });

  it('keeps the header value in the secret store only', async () => {
    expect(app.store.getSetting('telemetry.otlp')).not.toContain(KEY);
    app.store.logs.flush();
    app.store.traces.flush();
    for (const file of fs.readdirSync(dataDir)) {
      const full = path.join(dataDir, file);
      if (fs.statSync(full).isFile()) expect(fs.readFileSync(full).includes(KEY), file).toBe(false);
    }
  });

  it('goes on with the kept headers when only the URL changes, and stops when turned off', async () => {
    const before = receiver.headers.length;
    await call('telemetry.setOtlp', { enabled: true, endpoint: `${receiver.url}/v1/traces` });
    await call('tools.call', { callId: 'c2', name: 'fidelity__link', arguments: {} });
    await waitFor(() => (receiver.headers.length > before ? true : undefined), 'another export');
    expect(receiver.headers.at(-1)?.['x-api-key']).toBe(KEY);
    const off = await call('telemetry.setOtlp', { enabled: false, endpoint: `${receiver.url}/v1/traces` });
    expect(off.enabled).toBe(false);
    const count = receiver.spans.length;
    await call('tools.call', { callId: 'c3', name: 'fidelity__link', arguments: {} });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(receiver.spans.length).toBe(count);
  });
});
