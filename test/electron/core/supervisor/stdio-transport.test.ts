import { PassThrough } from 'node:stream';
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { ChildStdioTransport } from '../../../../electron/core/supervisor/stdio-transport.ts';

async function harness() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const messages: JSONRPCMessage[] = [];
  const noise: string[] = [];
  const transport = new ChildStdioTransport(stdin, stdout, (line) => noise.push(line));
  transport.onmessage = (message) => messages.push(message);
  await transport.start();
  return { stdin, stdout, messages, noise, transport };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ChildStdioTransport', () => {
  it('moves banners and stray lines to the noise sink and keeps the JSON-RPC flowing', async () => {
    const { stdout, messages, noise } = await harness();
    stdout.write('Server v1.2 starting on stdio...\n');
    stdout.write('{"jsonrpc":"2.0","id":1,"result":{}}\n');
    stdout.write('{"not":"json-rpc"}\n');
    stdout.write('[1,2,3]\n');
    stdout.write('{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}\n');
    await tick();
    expect(messages).toEqual([
      { jsonrpc: '2.0', id: 1, result: {} },
      { jsonrpc: '2.0', method: 'notifications/tools/list_changed' },
    ]);
    expect(noise).toEqual(['Server v1.2 starting on stdio...', '{"not":"json-rpc"}', '[1,2,3]']);
  });

  it('reassembles messages split across chunks, with CRLF line ends and multi-byte characters', async () => {
    const { stdout, messages } = await harness();
    const line = Buffer.from('{"jsonrpc":"2.0","id":7,"result":{"text":"héllo ✓"}}\r\n');
    for (let i = 0; i < line.length; i += 5) stdout.write(line.subarray(i, i + 5));
    await tick();
    expect(messages).toEqual([{ jsonrpc: '2.0', id: 7, result: { text: 'héllo ✓' } }]);
  });

  it('writes one line per message and closes stdin on close', async () => {
    const { stdin, transport } = await harness();
    let closed = 0;
    transport.onclose = () => closed++;
    const written: string[] = [];
    stdin.on('data', (chunk: Buffer) => written.push(chunk.toString()));
    await transport.send({ jsonrpc: '2.0', id: 1, method: 'ping' });
    await transport.close();
    await tick();
    expect(written.join('')).toBe('{"jsonrpc":"2.0","id":1,"method":"ping"}\n');
    expect(stdin.writableEnded).toBe(true);
    expect(closed).toBe(1);
    await expect(transport.send({ jsonrpc: '2.0', id: 2, method: 'ping' })).rejects.toThrow('not running');
  });

  it('reports the end of stdout as a close', async () => {
    const { stdout, transport } = await harness();
    let closed = false;
    transport.onclose = () => (closed = true);
    stdout.end();
    await tick();
    expect(closed).toBe(true);
  });
});
