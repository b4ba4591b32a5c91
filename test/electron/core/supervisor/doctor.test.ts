// The connection doctor: each step of starting a server checked, the failing one said in words, and the command
// to run it by hand; ping and the log level refuse a server that is not ready, in a sentence.
import { afterAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../../../electron/core/supervisor/doctor.ts';
import { nodeServer, startCore, stopCores, waitForState } from '../../../helpers/core.ts';
import { fixture, removeTempDirs } from '../../../helpers/fs.ts';

afterAll(async () => {
  await stopCores();
  removeTempDirs();
});

describe('the connection doctor', () => {
  it('finds the command, the folder, the handshake and a ping of a working server, and how to run it', async () => {
    const { app } = await startCore({ notes: nodeServer(fixture('annotated.mjs'), { args: [fixture('annotated.mjs'), 'notes'] }) });
    await waitForState(app, 'notes', 'ready');
    const found = await diagnose(app.supervisor.replicas('notes')[0]!);
    expect(found.checks.map((check) => [check.step, check.ok])).toEqual([
      ['command', true],
      ['folder', true],
      ['handshake', true],
      ['ping', true],
    ]);
    expect(found.reproduce?.command).toContain(fixture('annotated.mjs'));
    expect(await app.supervisor.replicas('notes')[0]!.ping()).toBeGreaterThan(0);
  });

  it('says which step fails for a command that is not there, and refuses ping and log level in a sentence', async () => {
    const { app } = await startCore({ missing: { command: 'no-such-mcp-server-anywhere', restart: false } });
    await waitForState(app, 'missing', ['failed', 'crash-loop']);
    const replica = app.supervisor.replicas('missing')[0]!;
    const found = await diagnose(replica);
    expect(found.checks[0]).toMatchObject({ step: 'command', ok: false, detail: expect.stringContaining('no-such-mcp-server-anywhere') });
    expect(found.checks.find((check) => check.step === 'handshake')).toMatchObject({ ok: false });
    expect(found.reproduce).toBeNull();
    await expect(replica.ping()).rejects.toThrow(/"missing" is (failed|crash-loop): start it first/);
    await expect(replica.setLogLevel('debug')).rejects.toThrow(/start it first/);
  });
});
