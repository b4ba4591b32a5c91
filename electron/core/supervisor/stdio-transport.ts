import type { Writable, Readable } from 'node:stream';
import { deserializeMessage, serializeMessage, type JSONRPCMessage, type Transport } from '@modelcontextprotocol/client';
import { MAX_DEPTH, nestingDepth } from '../base/json-depth.ts';
import { NotSentError } from '../base/transport-decorator.ts';
import { LineSplitter } from './line-splitter.ts';

/** Messages bigger than this (a base64 image, a large file read) are still fine; a line past it is not JSON-RPC. */
const MAX_MESSAGE_CHARS = 64 * 1024 * 1024;

/**
 * An MCP transport over the stdin/stdout of a process we spawned ourselves (the SDK's own stdio transport
 * spawns its child without a process group, which we need to stop wrappers like npx with their children).
 * A stdout line that is not a JSON-RPC message (a banner, a stray console.log) goes to `onNoise` instead
 * of breaking the connection.
 */
export class ChildStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private closed = false;
  private corked = false;
  private readonly splitter: LineSplitter;

  constructor(
    private readonly stdin: Writable,
    private readonly stdout: Readable,
    private readonly onNoise: (line: string) => void,
  ) {
    this.splitter = new LineSplitter((line, truncatedBy, tail) => this.handleLine(line, truncatedBy, tail), MAX_MESSAGE_CHARS);
  }

  async start(): Promise<void> {
    this.stdout.on('data', (chunk: Buffer) => this.splitter.push(chunk));
    this.stdout.on('end', () => {
      this.splitter.end();
      this.finish();
    });
    this.stdout.on('error', (error) => this.onerror?.(error));
    // EPIPE after the child died: the exit handler reports that, not the write.
    this.stdin.on('error', () => undefined);
  }

  private handleLine(line: string, truncatedBy: number, tail: string): void {
    if (line.trim() === '') return;
    if (truncatedBy > 0) {
      const size = line.length + truncatedBy;
      this.onNoise(`${line.slice(0, 200)}… [${size - 200} more characters]`);
      // A response too large to pass on still answers its request: with an error that says why, not a timeout.
      const id = responseId(line.slice(0, 200)) ?? responseId(tail);
      if (id !== undefined) this.refuse(id, `the server sent a response of ${(size / 1024 / 1024).toFixed(1)} MB; Switchboard passes on at most ${MAX_MESSAGE_CHARS / 1024 / 1024} MB (a result this large belongs in a resource or a file)`);
      return;
    }
    // Deeper than any real message: parsing is fine, but what comes after (schemas, JSON.stringify) recurses.
    if (line.length > 2 * MAX_DEPTH && nestingDepth(line) > MAX_DEPTH) {
      let id: string | number | undefined;
      try {
        const value = JSON.parse(line) as { id?: unknown; method?: unknown };
        if ((typeof value.id === 'string' || typeof value.id === 'number') && value.method === undefined) id = value.id;
      } catch {
        // Not JSON: noise, below.
      }
      this.onNoise(`${line.slice(0, 200)}… [a message nested more than ${MAX_DEPTH} levels deep]`);
      if (id !== undefined) this.refuse(id, `the server sent a response nested more than ${MAX_DEPTH} levels deep, which Switchboard does not pass on`);
      return;
    }
    let message: JSONRPCMessage;
    try {
      message = deserializeMessage(line);
    } catch {
      this.onNoise(line);
      return;
    }
    this.onmessage?.(message);
  }

  /** Answers the pending request `id` with an error of ours, in place of the server's response. */
  private refuse(id: string | number, message: string): void {
    this.onmessage?.({ jsonrpc: '2.0', id, error: { code: -32603, message } });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed || this.stdin.destroyed) throw new NotSentError('the server process is not running');
    // Messages sent in the same turn of the event loop (calls from many HTTP requests) go out in one
    // write, one syscall, instead of one each.
    if (!this.corked) {
      this.corked = true;
      this.stdin.cork();
      setImmediate(() => {
        this.corked = false;
        this.stdin.uncork();
      });
    }
    if (!this.stdin.write(serializeMessage(message))) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.stdin.off('drain', done);
          this.stdin.off('close', done);
          resolve();
        };
        this.stdin.on('drain', done);
        this.stdin.on('close', done);
      });
    }
  }

  /** Closes our end of the pipe (the polite first step of a stop); the process itself is not signalled. */
  async close(): Promise<void> {
    this.stdin.end();
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }
}

/** The id of a JSON-RPC response from a piece of its text (its start, or its end, where some SDKs put the id). */
function responseId(text: string): string | number | undefined {
  if (/"method"\s*:/.test(text)) return undefined;
  const match = /"id"\s*:\s*(-?\d{1,16}|"(?:[^"\\]|\\.){0,256}")/.exec(text);
  if (!match) return undefined;
  return match[1]!.startsWith('"') ? (JSON.parse(match[1]!) as string) : Number(match[1]);
}
