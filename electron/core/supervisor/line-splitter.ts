import { StringDecoder } from 'node:string_decoder';

/** How much of the end of a cut line is kept (a JSON-RPC response may name its id last). */
const TAIL_CHARS = 256;

/**
 * Splits a byte stream into lines. A line longer than `maxLineLength` characters is cut there and the
 * rest of it skipped (and counted, its last characters kept), so a runaway writer without newlines cannot grow
 * our memory.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private skipping = false;
  private skippedChars = 0;
  private tail = '';

  constructor(
    private readonly onLine: (line: string, truncatedBy: number, tail: string) => void,
    private readonly maxLineLength: number,
  ) {}

  push(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let start = 0;
    for (let newline = text.indexOf('\n', start); newline !== -1; newline = text.indexOf('\n', start)) {
      this.take(text.slice(start, newline), true);
      start = newline + 1;
    }
    if (start < text.length) this.take(text.slice(start), false);
  }

  /** Emits what is left (a last line without a newline). */
  end(): void {
    const rest = this.decoder.end();
    if (rest) this.take(rest, false);
    if (this.partial !== '' || this.skipping) this.emit();
  }

  private take(piece: string, complete: boolean): void {
    if (this.skipping) {
      this.skippedChars += piece.length;
      this.tail = (this.tail + piece.slice(-TAIL_CHARS)).slice(-TAIL_CHARS);
    } else {
      const room = this.maxLineLength - this.partial.length;
      if (piece.length > room) {
        this.partial += piece.slice(0, room);
        this.skippedChars += piece.length - room;
        this.tail = piece.slice(Math.max(room, piece.length - TAIL_CHARS));
        this.skipping = true;
      } else {
        this.partial += piece;
      }
    }
    if (complete) this.emit();
  }

  private emit(): void {
    let line = this.partial;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const skipped = this.skippedChars;
    const tail = this.tail.endsWith('\r') ? this.tail.slice(0, -1) : this.tail;
    this.partial = '';
    this.skipping = false;
    this.skippedChars = 0;
    this.tail = '';
    this.onLine(line, skipped, tail);
  }
}
