#!/usr/bin/env node
// Switchboard's demo server: a real stdio MCP server with a few small, useful tools, in the default config
// of a fresh data dir so that a first run shows something real without downloading anything.
import crypto from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';

const readOnly = { readOnlyHint: true, openWorldHint: false };

function createServer() {
  const server = new McpServer({ name: 'switchboard-demo', version: '1.0.0' });

  server.registerTool(
    'now',
    {
      title: 'Current time',
      description: 'The current date and time, in a time zone of your choice (IANA name, e.g. Europe/Paris).',
      inputSchema: z.object({ timeZone: z.string().optional().describe('IANA time zone; default: the machine\'s') }),
      outputSchema: z.object({ iso: z.string(), local: z.string(), timeZone: z.string() }),
      annotations: readOnly,
    },
    async ({ timeZone }) => {
      const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
      let local;
      try {
        local = new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'long', timeZone: zone }).format(new Date());
      } catch {
        return { content: [{ type: 'text', text: `Unknown time zone: ${zone}` }], isError: true };
      }
      const result = { iso: new Date().toISOString(), local, timeZone: zone };
      return { content: [{ type: 'text', text: `${local} (${zone})` }], structuredContent: result };
    },
  );

  server.registerTool(
    'hash',
    {
      title: 'Hash text',
      description: 'The hex digest of a text with sha256 (default), sha1, sha512 or md5.',
      inputSchema: z.object({ text: z.string(), algorithm: z.enum(['sha256', 'sha1', 'sha512', 'md5']).default('sha256') }),
      annotations: readOnly,
    },
    async ({ text, algorithm }) => ({ content: [{ type: 'text', text: crypto.createHash(algorithm).update(text).digest('hex') }] }),
  );

  server.registerTool(
    'uuid',
    {
      title: 'Random UUIDs',
      description: 'One or more random (version 4) UUIDs.',
      inputSchema: z.object({ count: z.number().int().min(1).max(100).default(1) }),
      annotations: { ...readOnly, idempotentHint: false },
    },
    async ({ count }) => ({ content: [{ type: 'text', text: Array.from({ length: count }, () => crypto.randomUUID()).join('\n') }] }),
  );

  server.registerTool(
    'text_stats',
    {
      title: 'Text statistics',
      description: 'Counts the characters, words and lines of a text.',
      inputSchema: z.object({ text: z.string() }),
      outputSchema: z.object({ characters: z.number(), words: z.number(), lines: z.number() }),
      annotations: readOnly,
    },
    async ({ text }) => {
      const stats = { characters: [...text].length, words: text.split(/\s+/).filter(Boolean).length, lines: text === '' ? 0 : text.split('\n').length };
      return { content: [{ type: 'text', text: JSON.stringify(stats) }], structuredContent: stats };
    },
  );

  server.registerTool(
    'base64',
    {
      title: 'Base64',
      description: 'Encodes text to base64, or decodes base64 to text.',
      inputSchema: z.object({ text: z.string(), direction: z.enum(['encode', 'decode']).default('encode') }),
      annotations: readOnly,
    },
    async ({ text, direction }) => ({
      content: [{ type: 'text', text: direction === 'encode' ? Buffer.from(text, 'utf8').toString('base64') : Buffer.from(text, 'base64').toString('utf8') }],
    }),
  );

  server.registerResource(
    'about',
    'demo://about',
    { title: 'About this demo', description: 'What the demo server is for', mimeType: 'text/markdown' },
    async (uri) => ({
      contents: [{ uri: uri.href, mimeType: 'text/markdown', text: '# Switchboard demo server\n\nA small MCP server bundled with Switchboard. Replace it with your own servers in mcp.json.\n' }],
    }),
  );

  server.registerPrompt(
    'summarize',
    { title: 'Summarize', description: 'Ask for a short summary of a text', argsSchema: z.object({ text: z.string() }) },
    ({ text }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Summarize in three sentences:\n\n${text}` } }] }),
  );

  return server;
}

void serveStdio(createServer);
// A stdio server lives as long as its client: stdin closing means the client is gone.
process.stdin.on('end', () => process.exit(0));
