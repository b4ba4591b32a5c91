// The chaos suite's helpers: `switchboard serve` with real servers, a lean client, and the figures each fault
// produced (written to bench/results/chaos-latest.json for RELIABILITY.md).
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, tempDir } from '../helpers/fs.ts';
import { startServe, type ServeProcess } from '../helpers/serve.ts';
import { waitFor } from '../helpers/wait.ts';

export const TOKEN = 'chaos-token-0123456789abcdef';
const figures: Record<string, Record<string, number | string>> = {};

/** Records a figure of a fault, for the report. */
export function figure(fault: string, name: string, value: number | string): void {
  (figures[fault] ??= {})[name] = typeof value === 'number' ? Math.round(value * 10) / 10 : value;
}

export function writeFigures(): void {
  const file = path.join(repoRoot, 'bench', 'results', 'chaos-latest.json');
  const previous = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { figures: typeof figures }).figures : {};
  fs.writeFileSync(file, `${JSON.stringify({ time: new Date().toISOString(), figures: { ...previous, ...figures } }, null, 2)}\n`);
}

/** `serve` with the given servers; waits until they are ready. */
export async function chaosServe(servers: Record<string, unknown>, args: string[] = []): Promise<ServeProcess & { configPath: string; dataDir: string }> {
  const dir = tempDir();
  const configPath = path.join(dir, 'mcp.json');
  const dataDir = path.join(dir, 'data');
  fs.writeFileSync(configPath, JSON.stringify({ mcpServers: servers }, null, 2));
  const serve = await startServe(['--config', configPath, '--data-dir', dataDir, ...args], { SWITCHBOARD_TOKEN: TOKEN });
  await waitFor(async () => ((await (await fetch(`${serve.base}/health`)).json()) as { status: string }).status === 'ok', 'every server ready', 30_000);
  return Object.assign(serve, { configPath, dataDir });
}

/** A lean 2025 session over keep-alive HTTP: `call` resolves with the tool's result or the JSON-RPC error. */
export async function session(base: string) {
  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { response, json: text ? (JSON.parse(text.startsWith('event:') ? text.split('\n').find((l) => l.startsWith('data: '))!.slice(6) : text) as { result?: { isError?: boolean; content?: { text?: string }[] }; error?: { message: string } }) : {} };
  };
  const init = await post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'chaos', version: '1' } } });
  const headers = { 'mcp-session-id': init.response.headers.get('mcp-session-id')!, 'mcp-protocol-version': '2025-11-25' };
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, headers);
  let id = 1;
  return {
    headers,
    post: (body: unknown) => post(body, headers),
    /** A tools/call: ok when the tool answered without error; the time it took. */
    async call(name: string, args: Record<string, unknown> = {}) {
      const started = performance.now();
      const { json } = await post({ jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name, arguments: args } }, headers);
      const text = json.result?.content?.map((c) => c.text ?? '').join('') ?? json.error?.message ?? '';
      return { ok: !json.error && json.result?.isError !== true, text, ms: performance.now() - started };
    },
  };
}

/** The resident memory of a process, in MB. */
export function rssMb(pid: number): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(/(\d+)/.exec(line)![1]) / 1024;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
