import { describe, expect, it } from 'vitest';
import { levelOf, OutputCapture, summarizeStderr } from '../../../../electron/core/supervisor/output-capture.ts';

type Line = { stream: string; level: string; message: string };

function capture(limits: Partial<ConstructorParameters<typeof OutputCapture>[2]> = {}, clock = { now: 0 }) {
  const lines: Line[] = [];
  const output = new OutputCapture('stderr', (stream, level, message) => lines.push({ stream, level, message }), { maxLineLength: 100, linesPerSecond: 10, burst: 20, recent: 5, ...limits }, () => clock.now);
  return { output, lines, clock };
}

describe('OutputCapture', () => {
  it('keeps lines whole across chunks and skips blank ones', () => {
    const { output, lines } = capture();
    output.push('first li');
    output.push('ne\n\nsecond line\nthird');
    output.end();
    expect(lines.map((l) => l.message)).toEqual(['first line', 'second line', 'third']);
  });

  it('cuts a line without end and says how much was cut', () => {
    const { output, lines } = capture({ maxLineLength: 10 });
    output.push(`${'a'.repeat(25)}\nshort\n`);
    expect(lines.map((l) => l.message)).toEqual(['aaaaaaaaaa … [line cut: 15 more characters]', 'short']);
  });

  it('drops lines beyond the rate, counts them and says so in the log', () => {
    const { output, lines, clock } = capture();
    output.push(Array.from({ length: 100 }, (_, i) => `line ${i}\n`).join(''));
    expect(lines).toHaveLength(20); // the burst
    clock.now = 1000; // one second later: 10 more lines of budget
    output.push(Array.from({ length: 30 }, (_, i) => `later ${i}\n`).join(''));
    output.end();
    expect(lines.filter((l) => l.stream === 'stderr')).toHaveLength(30);
    expect(output.dropped).toBe(100);
    expect(lines.at(-1)).toEqual({ stream: 'lifecycle', level: 'warn', message: 'dropped 100 stderr lines: more than 10 lines/s (100 dropped in all)' });
  });

  it('remembers only the most recent lines', () => {
    const { output } = capture();
    output.push('1\n2\n3\n4\n5\n6\n7\n');
    expect(output.recent).toEqual(['3', '4', '5', '6', '7']);
  });
});

describe('summarizeStderr', () => {
  it('picks the line that names the error over the stack and the noise', () => {
    expect(summarizeStderr(['file:///srv/index.js:3', "  throw new Error('missing API key')", '  ^', '', 'Error: missing API key', '    at main (index.js:3:9)'])).toBe('Error: missing API key');
    expect(summarizeStderr(['Traceback (most recent call last):', '  File "x.py"', 'ModuleNotFoundError: No module named mcp'])).toBe('ModuleNotFoundError: No module named mcp');
  });
  it('falls back to the last line, and to nothing', () => {
    expect(summarizeStderr(['starting', 'could not bind port 3000'])).toBe('could not bind port 3000');
    expect(summarizeStderr([])).toBe('');
  });
});

describe('levelOf', () => {
  it('guesses levels from the words of a line', () => {
    expect([levelOf('ERROR: boom'), levelOf('Warning: deprecated'), levelOf('[debug] x'), levelOf('listening')]).toEqual(['error', 'warn', 'debug', 'info']);
  });
});
