import type { Writable, Readable } from 'node:stream';
import { deserializeMessage, serializeMessage, type JSONRPCMessage, type Transport } from '@modelcontextprotocol/client';
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
    this.splitter = new LineSplitter((line, truncatedBy) => this.handleLine(line, truncatedBy), MAX_MESSAGE_CHARS);
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

  private handleLine(line: string, truncatedBy: number): void {
    if (line.trim() === '') return;
    if (truncatedBy > 0) {
      this.onNoise(`${line.slice(0, 200)}… [${truncatedBy + line.length - 200} more characters]`);
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

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed || this.stdin.destroyed) throw new Error('the server process is not running');
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
