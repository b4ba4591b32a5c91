import { z } from 'zod';

const stringList = (what: string) =>
  z.array(z.string({ error: `expected ${what} to hold only strings` }), { error: `expected an array of strings` });

const stringMap = z.record(z.string(), z.string({ error: 'expected a string value' }), {
  error: 'expected an object of string values',
});

/** How a crashed server is restarted. */
export const RestartSchema = z.looseObject({
  /** Restarts allowed before the server is put in `crash-loop`. */
  maxRetries: z.number({ error: 'expected a number' }).int().min(0).max(1000).default(5),
  /** The first backoff delay; each next one doubles, up to maxDelayMs, with jitter. */
  initialDelayMs: z.number({ error: 'expected a number' }).int().min(0).default(500),
  maxDelayMs: z.number({ error: 'expected a number' }).int().min(0).default(30_000),
  /** A server up this long is stable again: its restart counter resets. */
  stableAfterMs: z.number({ error: 'expected a number' }).int().min(0).default(60_000),
});
export type RestartConfig = z.infer<typeof RestartSchema>;

const count = (min: number, max: number) => z.number({ error: 'expected a number' }).int().min(min).max(max);

/** How many calls a server runs at once, and how many may wait for it: beyond that, calls are refused as busy. */
export const LimitsSchema = z.looseObject({
  maxConcurrent: count(1, 10_000).optional(),
  maxQueued: count(0, 100_000).optional(),
  queueTimeoutMs: count(0, 3_600_000).optional(),
});

/** The opt-in response cache of a server's read-only tools (those annotated `readOnlyHint`). */
export const CacheSchema = z.looseObject({
  ttlMs: count(1, 86_400_000),
  maxEntries: count(1, 100_000).optional(),
});

/** How a server's liveness is checked: pinged after `intervalMs` of silence, frozen after `misses` pings unanswered. */
export const HealthSchema = z.looseObject({
  intervalMs: count(100, 3_600_000).optional(),
  timeoutMs: count(100, 3_600_000).optional(),
  misses: count(1, 100).optional(),
});

/** When to stop sending calls to a failing server for a while (timeouts and lost connections count). */
export const BreakerSchema = z.looseObject({
  failures: count(1, 1000).optional(),
  openMs: count(100, 3_600_000).optional(),
});

/**
 * One entry of `mcpServers`: Claude Desktop's `command`/`args`/`env`, plus our optional fields.
 * Unknown fields are kept (looseObject) so a round trip through the app never loses them.
 */
export const ServerEntrySchema = z
  .looseObject(
    {
      command: z.string({ error: 'expected a string' }).min(1, { error: 'must not be empty' }).optional(),
      args: stringList('args').default([]),
      env: stringMap.default({}),
      cwd: z.string({ error: 'expected a string' }).optional(),
      disabled: z.boolean({ error: 'expected true or false' }).default(false),
      /** Copies of a stateless server to run; calls go to the one with the fewest in flight. */
      replicas: z.number({ error: 'expected a number' }).int().min(1).max(32).default(1),
      /** With replicas: each client session sticks to one replica (for servers that keep state per client). */
      stateful: z.boolean({ error: 'expected true or false' }).default(false),
      /** Per-request timeout towards this server. */
      timeoutMs: z.number({ error: 'expected a number' }).int().positive().default(60_000),
      /** How long the spawn and MCP handshake may take before the attempt counts as failed. */
      startupTimeoutMs: z.number({ error: 'expected a number' }).int().positive().default(60_000),
      restart: z.union([z.literal(false), RestartSchema], { error: 'expected false or an object' }).default(() => RestartSchema.parse({})),
      /** Backpressure: calls at once and waiting (defaults in resilience/replica-guard.ts). */
      limits: LimitsSchema.optional(),
      /** Liveness checks (default: pinged after 2 s of silence, frozen after 2 pings unanswered for 2.5 s); `false`: none. */
      health: z.union([z.literal(false), HealthSchema], { error: 'expected false or an object' }).optional(),
      /** Answers of its read-only tools kept for `ttlMs`, keyed by tool and arguments (off unless set). */
      cache: CacheSchema.optional(),
      /** The circuit breaker: `false` turns it off for this server. */
      breaker: z.union([z.literal(false), BreakerSchema], { error: 'expected false or an object' }).optional(),
      tools: z
        .looseObject({ allow: stringList('tools.allow').optional(), deny: stringList('tools.deny').optional() }, { error: 'expected an object' })
        .optional(),
      alias: z.string({ error: 'expected a string' }).min(1).optional(),
      prefix: z.boolean({ error: 'expected true or false' }).default(true),
      /** Folders this server may see, for servers that ask their client for roots (when the calling client has none). */
      roots: stringList('roots').optional(),
      url: z.url({ error: 'expected an http(s) URL' }).optional(),
      headers: stringMap.optional(),
      type: z.enum(['stdio', 'http', 'streamable-http', 'sse'], { error: 'expected stdio, http, streamable-http or sse' }).optional(),
    },
    { error: 'expected an object with a command (or a url)' },
  )
  .superRefine((entry, ctx) => {
    if (entry.command === undefined && entry.url === undefined) {
      ctx.addIssue({ code: 'custom', message: 'needs a command (or a url for a remote server)', path: ['command'] });
    }
    if (entry.command !== undefined && entry.url !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'has both a command and a url: keep one', path: ['url'] });
    }
  });

/** A parsed, defaulted server entry, with its name. */
export type ServerConfig = z.infer<typeof ServerEntrySchema> & { readonly name: string };

export const ConfigFileSchema = z.looseObject(
  {
    mcpServers: z.record(z.string(), ServerEntrySchema, { error: 'expected an object mapping server names to entries' }).default({}),
  },
  { error: 'expected a JSON object with an mcpServers object' },
);
