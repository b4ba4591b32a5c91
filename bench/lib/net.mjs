// Loopback plumbing: free ports, readiness polling, and the check that nothing we started listens beyond
// 127.0.0.1 (some peers bind every interface by default).
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { descendantsOf } from './procs.mjs';

/** A port that was free a moment ago on 127.0.0.1 (for peers that cannot pick their own). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** One GET on a fresh connection: { status, body, ms }. */
export function httpGet(url, { headers = {}, timeoutMs = 5000, agent = false } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.get(url, { headers, agent, timeout: timeoutMs }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on('error', reject);
  });
}

/** Polls until `probe` resolves truthy; rejects after `timeoutMs`. */
export async function waitUntil(probe, { timeoutMs = 30_000, intervalMs = 25, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export function waitForPort(port, timeoutMs = 30_000) {
  return waitUntil(
    () =>
      new Promise((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      }),
    { timeoutMs, what: `port ${port}` },
  );
}

const LOOPBACK = new Set(['0100007F', '00000000000000000000000001000000', '0000000000000000FFFF00000100007F']);

/**
 * Every TCP socket in LISTEN state owned by `pid` or its descendants, with whether it is bound to loopback.
 * Read from /proc/net/tcp{,6} (addresses in hex) and each process's fd table.
 */
export function listeningSockets(pid) {
  const listening = new Map();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== '0A') continue;
      const [address, port] = fields[1].split(':');
      listening.set(fields[9], { address, port: parseInt(port, 16), loopback: LOOPBACK.has(address) });
    }
  }
  const found = [];
  for (const owner of [pid, ...descendantsOf(pid).keys()]) {
    let fds;
    try {
      fds = fs.readdirSync(`/proc/${owner}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target;
      try {
        target = fs.readlinkSync(`/proc/${owner}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && listening.has(inode)) found.push({ pid: owner, ...listening.get(inode) });
    }
  }
  return found;
}

/** Throws when a process of ours listens anywhere but loopback. */
export function assertLoopbackOnly(pid, name) {
  const exposed = listeningSockets(pid).filter((socket) => !socket.loopback);
  if (exposed.length > 0) {
    throw new Error(`${name} listens beyond loopback (${exposed.map((s) => `${s.address}:${s.port}`).join(', ')}): refusing to benchmark it`);
  }
}
