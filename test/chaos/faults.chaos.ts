// The chaos suite (`npm run chaos`): every fault of RELIABILITY.md against `switchboard serve` with real servers, each
// with the figure it produced and an assertion on it. Bounded: each fault takes seconds, every process is stopped.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs } from '../helpers/fs.ts';
import { cleanupServes, descendants, reapLater } from '../helpers/serve.ts';
import { sleep, waitFor } from '../helpers/wait.ts';
import { chaosServe, figure, percentile, rssMb, session, writeFigures } from './lib.ts';

const node = process.execPath;
const server = (script: string, extra: Record<string, unknown> = {}) => ({ command: node, args: [fixture(script)], ...extra });

afterEach(async () => {
  await cleanupServes();
});
afterAll(() => {
  writeFigures();
  removeTempDirs();
});

/** Keeps `n` calls in flight until `stop()`; each outcome with its time. */
function load(client: Awaited<ReturnType<typeof session>>, name: string, args: Record<string, unknown>, n: number) {
  const outcomes: { at: number; ok: boolean; text: string; ms: number }[] = [];
  let running = true;
  const workers = Array.from({ length: n }, async () => {
    while (running) outcomes.push({ at: Date.now(), ...(await client.call(name, args)) });
  });
  return { outcomes, stop: async () => ((running = false), await Promise.all(workers)) };
}

describe('a server that dies', () => {
  it('kill -9 under load: its calls fail within a second with a sentence, and it is back within seconds', async () => {
    const serve = await chaosServe({ victim: server('busy.mjs', { restart: { initialDelayMs: 300, maxDelayMs: 300 } }) });
    const client = await session(serve.base);
    const traffic = load(client, 'victim__wait', { ms: 50 }, 20);
    await sleep(500);
    const pid = ((await (await fetch(`${serve.base}/health`)).json()) as { servers: { pid: number }[] }).servers[0]!.pid;
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    const firstError = await waitFor(() => traffic.outcomes.find((o) => !o.ok && o.at >= killedAt), 'a failed call', 5000);
    const recovered = await waitFor(() => traffic.outcomes.find((o) => o.ok && o.at > firstError.at + 50), 'a call answered again', 15_000);
    await traffic.stop();
    figure('kill -9 of a server, 20 calls in flight', 'first error after (ms)', firstError.at - killedAt);
    figure('kill -9 of a server, 20 calls in flight', 'answering again after (ms)', recovered.at - killedAt);
    expect(firstError.at - killedAt).toBeLessThan(1000);
    expect(firstError.text).toMatch(/stopped while handling the request|restarting|going down/);
    expect(recovered.at - killedAt).toBeLessThan(5000);
  });

  it('SIGSTOP under load: noticed and replaced within 10 s, and answering again', async () => {
    const serve = await chaosServe({ frozen: server('busy.mjs', { restart: { initialDelayMs: 200, maxDelayMs: 200 } }) });
    const client = await session(serve.base);
    const traffic = load(client, 'frozen__wait', { ms: 20 }, 5);
    await sleep(300);
    const pid = ((await (await fetch(`${serve.base}/health`)).json()) as { servers: { pid: number }[] }).servers[0]!.pid;
    reapLater([pid]);
    const frozenAt = Date.now();
    process.kill(pid, 'SIGSTOP');
    await waitFor(async () => ((await (await fetch(`${serve.base}/health`)).json()) as { servers: { state: string }[] }).servers[0]!.state !== 'ready', 'the frozen server to be noticed', 12_000);
    const noticed = Date.now() - frozenAt;
    const recovered = await waitFor(() => traffic.outcomes.find((o) => o.ok && o.at > frozenAt + noticed), 'a call answered again', 15_000);
    await traffic.stop();
    figure('SIGSTOP of a server, 5 calls in flight', 'noticed after (ms)', noticed);
    figure('SIGSTOP of a server, 5 calls in flight', 'answering again after (ms)', recovered.at - frozenAt);
    expect(noticed).toBeLessThan(10_000);
  });
});

describe('one server misbehaving, another serving', () => {
  it('a server that never finishes initialize does not slow the others down', async () => {
    const serve = await chaosServe({ ok: server('fidelity.mjs') });
    const client = await session(serve.base);
    const before: number[] = [];
    for (let i = 0; i < 200; i++) before.push((await client.call('ok__fail')).ms);
    const config = JSON.parse(fs.readFileSync(serve.configPath, 'utf8'));
    config.mcpServers.stuck = server('hang.mjs', { env: { HANG_MODE: 'no-handshake' }, startupTimeoutMs: 60_000 });
    fs.writeFileSync(serve.configPath, JSON.stringify(config));
    await waitFor(async () => ((await (await fetch(`${serve.base}/health`)).json()) as { servers: { name: string; state: string }[] }).servers.some((s) => s.name === 'stuck' && s.state === 'starting'), 'the stuck server to be starting');
    const during: number[] = [];
    for (let i = 0; i < 200; i++) during.push((await client.call('ok__fail')).ms);
    reapLater(descendants(serve.child.pid!).map((p) => p.pgid));
    figure('a server stuck in initialize beside a healthy one', 'healthy calls p99 before (ms)', percentile(before, 99));
    figure('a server stuck in initialize beside a healthy one', 'healthy calls p99 during (ms)', percentile(during, 99));
    expect(percentile(during, 99)).toBeLessThan(Math.max(50, percentile(before, 99) * 3));
  });

  it('floods of stdout and stderr: the gateway stays responsive, and what is kept is bounded', async () => {
    const serve = await chaosServe({ ok: server('fidelity.mjs'), loud: server('flood.mjs', { env: { FLOOD_STREAM: 'stdout' } }), louder: server('flood.mjs') });
    const client = await session(serve.base);
    const latencies: number[] = [];
    const end = Date.now() + 4000;
    while (Date.now() < end) latencies.push((await client.call('ok__fail')).ms);
    const health = (await (await fetch(`${serve.base}/health`)).json()) as { servers: { name: string; droppedLines?: number }[]; store: { bytes: number } };
    const dropped = health.servers.filter((s) => s.name !== 'ok').reduce((sum, s) => sum + (s.droppedLines ?? 0), 0);
    figure('stdout and stderr floods (two servers, as fast as the pipe takes)', 'other calls p99 (ms)', percentile(latencies, 99));
    figure('stdout and stderr floods (two servers, as fast as the pipe takes)', 'lines dropped (counted)', dropped);
    figure('stdout and stderr floods (two servers, as fast as the pipe takes)', 'store after 4 s (MB)', health.store.bytes / 1024 / 1024);
    expect(percentile(latencies, 99)).toBeLessThan(100);
    expect(dropped).toBeGreaterThan(10_000);
    expect(health.store.bytes).toBeLessThan(64 * 1024 * 1024);
  });

  it('a config change under load: the unchanged server is untouched, the changed one drains', async () => {
    const serve = await chaosServe({ steady: server('busy.mjs'), changing: server('busy.mjs') });
    const client = await session(serve.base);
    const steady = load(client, 'steady__wait', { ms: 20 }, 4);
    const changing = load(client, 'changing__wait', { ms: 300 }, 4);
    await sleep(500);
    const pidOf = async (name: string) => ((await (await fetch(`${serve.base}/health`)).json()) as { servers: { name: string; pid: number }[] }).servers.find((s) => s.name === name)!.pid;
    const [steadyPid, changingPid] = [await pidOf('steady'), await pidOf('changing')];
    const changedAt = Date.now();
    const config = JSON.parse(fs.readFileSync(serve.configPath, 'utf8'));
    config.mcpServers.changing.env = { CHANGED: '1' };
    fs.writeFileSync(serve.configPath, JSON.stringify(config));
    await waitFor(async () => (await pidOf('changing')) !== changingPid && (await pidOf('changing')) !== null, 'the changed server to restart', 10_000);
    await sleep(500);
    expect(await pidOf('steady')).toBe(steadyPid);
    await Promise.all([steady.stop(), changing.stop()]);
    const steadyFailures = steady.outcomes.filter((o) => !o.ok).length;
    const cutOff = changing.outcomes.filter((o) => !o.ok && /stopped while handling/.test(o.text)).length;
    const turnedAway = changing.outcomes.filter((o) => !o.ok && o.at >= changedAt && /restarting|starting/.test(o.text)).length;
    figure('a config change with calls in flight', 'unchanged server: failed calls', steadyFailures);
    figure('a config change with calls in flight', 'changed server: calls cut off mid-call', cutOff);
    figure('a config change with calls in flight', 'changed server: calls turned away while it restarts', turnedAway);
    expect(steadyFailures).toBe(0);
    expect(cutOff).toBe(0);
  });
});

describe('clients that misbehave', () => {
  it('a never-read notification stream costs no more memory than the same traffic with no stream at all', async () => {
    const serve = await chaosServe({ shout: server('shout.mjs') }, ['--no-ui']);
    const client = await session(serve.base);
    await client.post({ jsonrpc: '2.0', id: 900, method: 'logging/setLevel', params: { level: 'debug' } });
    const shout = async () => {
      for (let i = 0; i < 10; i++) await client.call('shout__shout', { count: 1000, size: 10_000 });
    };
    const start = rssMb(serve.child.pid!);
    await shout(); // The traffic alone: 10,000 log messages of 10 KB, stored and (nobody listening) not forwarded.
    const alone = rssMb(serve.child.pid!);
    const { default: http } = await import('node:http');
    const url = new URL(serve.base);
    await new Promise<void>((resolve) =>
      http.get({ host: url.hostname, port: url.port, path: '/mcp', headers: { authorization: `Bearer chaos-token-0123456789abcdef`, accept: 'text/event-stream', ...client.headers } }, (response) => {
        response.pause();
        resolve();
      }),
    );
    await shout(); // The same again, with a client that opened its stream and never reads it.
    const stalled = rssMb(serve.child.pid!);
    figure('a client that never reads its notification stream (10,000 log messages of 10 KB)', 'RSS growth of the traffic alone (MB)', alone - start);
    figure('a client that never reads its notification stream (10,000 log messages of 10 KB)', 'RSS growth with the stalled stream on top (MB)', stalled - alone);
    expect(stalled - alone).toBeLessThan(60);
  });

  it('5,000 abandoned sessions: memory bounded, the oldest evicted past the cap', async () => {
    const serve = await chaosServe({ ok: server('fidelity.mjs') });
    const before = rssMb(serve.child.pid!);
    for (let batch = 0; batch < 50; batch++) await Promise.all(Array.from({ length: 100 }, () => session(serve.base)));
    const after = rssMb(serve.child.pid!);
    const evicted = await (async () => {
      const { default: Database } = await import('better-sqlite3');
      await sleep(300);
      const db = new Database(path.join(serve.dataDir, 'switchboard.db'), { readonly: true });
      try {
        return (db.prepare("SELECT COUNT(*) AS n FROM logs WHERE message LIKE 'closed the session idle longest%'").get() as { n: number }).n;
      } finally {
        db.close();
      }
    })();
    figure('5,000 sessions opened and abandoned', 'RSS growth (MB)', after - before);
    figure('5,000 sessions opened and abandoned', 'sessions evicted past the 2,000 cap', evicted);
    expect(evicted).toBeGreaterThanOrEqual(2900);
    expect(after - before).toBeLessThan(200);
  });
});
