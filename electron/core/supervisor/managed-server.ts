import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import { Client, StreamableHTTPClientTransport, type ClientCapabilities, type Prompt, type Resource, type ResourceTemplateType, type Tool, type Transport, type LoggingLevel } from '@modelcontextprotocol/client';
import { isToolAllowed } from '../config/tool-filter.ts';
import { Redactor, secretsInArgs } from '../base/redactor.ts';
import { Heartbeat, NotificationsFirst } from '../base/transport-decorator.ts';
import { isolatingFetch } from './isolating-fetch.ts';
import { withStreamedJson } from './streamed-json.ts';
import { CompleteResults } from './complete-results.ts';
import type { ServerState, ServerStatus, StateReason, StatusChange } from '../../../shared/model.ts';
import type { ServerConfig } from '../config/schema.ts';
import { Emitter, type Event } from '../base/event.ts';
import type { Disposable } from '../base/lifecycle.ts';
import { processStartToken, processState, terminateGroup, waitForGroupExit } from '../process/os-process.ts';
import type { NewLogEntry } from '../store/logs.ts';
import type { ProcessRegistry } from '../store/processes.ts';
import { buildEnv, expandVariables, launchSpec, resolveCommand, type HostVariables } from './launch.ts';
import { DEFAULT_CAPTURE_LIMITS, OutputCapture, summarizeStderr, type CaptureLimits } from './output-capture.ts';
import { RestartPolicy } from './restart-policy.ts';
import { ChildStdioTransport } from './stdio-transport.ts';
import { describeRemoteFailure } from './connect-error.ts';

/** What a server offers, listed when it becomes ready and refreshed on its list_changed notifications. */
export interface Catalog {
  readonly tools: readonly Tool[];
  readonly resources: readonly Resource[];
  readonly resourceTemplates: readonly ResourceTemplateType[];
  readonly prompts: readonly Prompt[];
}

export const EMPTY_CATALOG: Catalog = { tools: [], resources: [], resourceTemplates: [], prompts: [] };

/** The lists a catalog holds, as a server signals their changes. */
export type ListKind = 'tools' | 'prompts' | 'resources';

/** A new catalog; `signalled` when the server itself said that list changed (list_changed), even if it looks the same. */
export interface CatalogUpdate {
  readonly catalog: Catalog;
  readonly signalled?: ListKind;
}

/** Where servers are launched from: resolved once per app run, shared by every server. */
export interface LaunchEnvironment {
  readonly parentEnv: NodeJS.ProcessEnv;
  /** The PATH servers get and commands are resolved against (the login shell's, merged with ours). */
  readonly pathValue: string;
  readonly variables: HostVariables;
}

/** What a ManagedServer needs from the app around it. */
export interface ServerHost {
  readonly registry: ProcessRegistry;
  log(entry: NewLogEntry): void;
  launchEnvironment(): Promise<LaunchEnvironment>;
  readonly clientInfo: { name: string; version: string };
  readonly clientCapabilities?: ClientCapabilities;
  /** Wraps each server's transport (to record its messages). */
  decorateTransport?(transport: Transport, server: string): Transport;
  /** Called on every new upstream client before it connects (to register request handlers). */
  configureClient?(client: Client, server: string): void;
  readonly captureLimits?: CaptureLimits;
  /** The app's redactor: each server's secret values are added to it. */
  readonly redactor?: Redactor;
  /**
   * Waits (at most `ms`) for the requests in flight on `server` to finish, before it restarts with a changed
   * config; resolves false when some were still running.
   */
  drain?(server: string, ms: number): Promise<boolean>;
  /** How long a changed server's calls in flight may take to finish before it restarts anyway. */
  readonly drainMs?: number;
  readonly healthCheck?: Partial<{ intervalMs: number; timeoutMs: number; misses: number }>;
  readonly stopGrace?: { stdinMs: number; termMs: number };
  readonly random?: () => number;
}

type FailureKind = 'launch-failed' | 'crashed' | 'clean-exit' | 'handshake-failed' | 'unresponsive';

type ExitInfo =
  | { kind: 'spawn-error'; error: NodeJS.ErrnoException }
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'closed'; detail: string };

/** The local process of a stdio server: a process group and its pipes. */
interface LocalProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly pid: number;
  readonly stderr: OutputCapture;
  /** Stray stdout lines, bounded like stderr (a server printing its logs to stdout floods just the same). */
  readonly noise: OutputCapture;
  readonly stderrEnded: Promise<void>;
}

/** One incarnation of the server: the MCP client, on a process of ours (stdio) or a connection (url). */
interface Run {
  readonly process?: LocalProcess;
  readonly client: Client;
  /**
   * A remote server that speaks both eras is also reached over a 2025 session, so 2025 clients' requests go to it
   * in their own era (server-to-client requests, subscriptions, logging levels), untranslated.
   */
  legacy?: Client;
  /** The process exited, or the remote connection closed. */
  readonly ended: Promise<ExitInfo>;
  stopping: boolean;
  failed: boolean;
  pingTimer?: NodeJS.Timeout;
  noiseSeen: boolean;
  /** When the server last sent anything (a sign of life). */
  lastHeardAt: number;
  /** Pings the server now (set once health checks run). */
  suspect?: () => void;
}

const DEFAULT_HEALTH = { intervalMs: 2000, timeoutMs: 2500, misses: 2 };
const DEFAULT_STOP_GRACE = { stdinMs: 1000, termMs: 2000 };

/**
 * One configured server, supervised: spawned in its own process group (or, with `url`, reached over
 * Streamable HTTP), connected with the MCP SDK client, restarted with backoff when it fails, stopped as a
 * whole group. Every state change is an event with a reason.
 */
export class ManagedServer implements Disposable {
  private readonly onDidChangeStatusEmitter = new Emitter<StatusChange>();
  readonly onDidChangeStatus: Event<StatusChange> = this.onDidChangeStatusEmitter.event;
  private readonly onDidChangeCatalogEmitter = new Emitter<CatalogUpdate>();
  readonly onDidChangeCatalog: Event<CatalogUpdate> = this.onDidChangeCatalogEmitter.event;

  private state: ServerState = 'stopped';
  private since = Date.now();
  private readySince: number | null = null;
  private nextRestartAt: number | null = null;
  private lastError: string | null = null;
  private restarts = 0;
  private run: Run | undefined;
  /** Bumped by every start and stop; an async step that finds it changed abandons its work. */
  private generation = 0;
  /** The remote server's URL as last expanded (for the sentence that says why it cannot be reached). */
  private remoteUrl: URL | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private teardown: Promise<void> = Promise.resolve();
  private policy: RestartPolicy;
  private catalogValue: Catalog = EMPTY_CATALOG;
  private disposed = false;
  /** Waiting for its calls in flight to finish before a restart with a changed config: new calls go elsewhere. */
  private drainingValue = false;
  /** Lines of stderr and stray stdout dropped by the rate limit, by the processes before the current one. */
  private droppedBefore = 0;
  private probesValue = 0;
  /** Values of the server's env, headers and secret args: never shown in logs, errors or /health. */
  private readonly redactor = new Redactor();

  constructor(
    private configValue: ServerConfig,
    private readonly host: ServerHost,
  ) {
    this.policy = new RestartPolicy(configValue.restart === false ? { maxRetries: 0, initialDelayMs: 0, maxDelayMs: 0, stableAfterMs: 0 } : configValue.restart, host.random);
    if (configValue.disabled) this.state = 'disabled';
  }

  get name(): string {
    return this.configValue.name;
  }

  get config(): ServerConfig {
    return this.configValue;
  }

  /** The current state (cheaper than a whole status snapshot, for hot paths). */
  get currentState(): ServerState {
    return this.state;
  }

  get catalog(): Catalog {
    return this.catalogValue;
  }

  /** Restarting with a changed config once its calls in flight are done: it takes no new ones. */
  get draining(): boolean {
    return this.drainingValue;
  }

  /** Failures in a row counted against `restart.maxRetries` (the attempt a restart is, or the count in crash-loop). */
  get restartAttempt(): number {
    return this.policy.consecutiveFailures;
  }

  /** The connected MCP client, while the server is ready. */
  get client(): Client | undefined {
    return this.state === 'ready' ? this.run?.client : undefined;
  }

  /** The client to use for a caller of `era`: the same era where the server speaks it, else the main one. */
  clientFor(era: 'legacy' | 'modern'): Client | undefined {
    if (this.state !== 'ready' || !this.run) return undefined;
    return era === 'legacy' ? (this.run.legacy ?? this.run.client) : this.run.client;
  }

  /** How long the server takes to answer a ping now (ms); throws with the reason when it is not ready or does not answer. */
  async ping(timeoutMs = 5000): Promise<number> {
    const client = this.client;
    if (!client) throw new Error(`"${this.name}" is ${this.state}: start it first`);
    const started = performance.now();
    await client.ping({ timeout: timeoutMs });
    return performance.now() - started;
  }

  /** Asks the server to send its log messages from `level` up (`logging/setLevel`), if it has logging. */
  async setLogLevel(level: LoggingLevel): Promise<void> {
    const client = this.client;
    if (!client) throw new Error(`"${this.name}" is ${this.state}: start it first`);
    if (!client.getServerCapabilities()?.logging) throw new Error(`"${this.name}" does not offer logging (it did not declare the capability), so it has no level to set`);
    await client.setLoggingLevel(level);
  }

  /**
   * How it would be started now, as a person would type it (secrets hidden): the command found on PATH, its folder
   * and the whole command line; throws with the reason when it cannot be (not on PATH, no such folder).
   */
  async launchPlan(): Promise<{ file: string; cwd: string; commandLine: string }> {
    let prepared: Awaited<ReturnType<ManagedServer['prepareLaunch']>>;
    try {
      prepared = await this.prepareLaunch();
    } catch (error) {
      throw new Error(this.redact(errorMessage(error)), { cause: error });
    }
    return { file: this.redact(String(prepared.spawnArgs[0])), cwd: (prepared.spawnArgs[2] as { cwd: string }).cwd, commandLine: this.redact(prepared.commandLine) };
  }

  /** A remote server's URL as last reached (undefined before its first start, or for a stdio server). */
  get remoteEndpoint(): URL | undefined {
    return this.remoteUrl;
  }

  /** The last stderr lines of the current (or last) process. */
  get recentStderr(): readonly string[] {
    return (this.run?.process?.stderr.recent ?? []).map((line) => this.redact(line));
  }

  status(): ServerStatus {
    return {
      name: this.name,
      state: this.state,
      pid: this.run?.process?.pid ?? null,
      // What the gateway exposes of it (its tools.allow/deny applied), as the Servers page and `status` count.
      tools: this.catalogValue.tools.filter((tool) => isToolAllowed(this.config, tool.name)).length,
      resources: this.catalogValue.resources.length,
      prompts: this.catalogValue.prompts.length,
      restarts: this.restarts,
      lastError: this.lastError,
      since: this.since,
      readySince: this.readySince,
      nextRestartAt: this.nextRestartAt,
      replicas: { ready: this.state === 'ready' ? 1 : 0, total: 1 },
      droppedLines: this.droppedBefore + (this.run?.process ? this.run.process.stderr.dropped + this.run.process.noise.dropped : 0),
    };
  }

  /** Starts the server (a no-op while it runs or starts). A disabled server stays disabled. */
  start(reason: StateReason): void {
    if (this.disposed) return;
    if (this.configValue.disabled) {
      this.setState('disabled', reason === 'config-added' ? 'config-added' : 'disabled', null);
      return;
    }
    if (this.state === 'starting' || this.state === 'ready' || this.state === 'stopping') return;
    if (reason.startsWith('manual') || reason.startsWith('config') || reason === 'enabled') {
      this.policy.reset();
      this.restarts = 0;
    }
    clearTimeout(this.restartTimer);
    void this.launch(reason);
  }

  /** Stops the server's whole process group: close stdin, wait, SIGTERM, wait, SIGKILL. */
  async stop(reason: StateReason, options: { deadline?: number } = {}): Promise<void> {
    clearTimeout(this.restartTimer);
    this.nextRestartAt = null;
    this.generation++;
    const run = this.run;
    const finalState: ServerState = this.configValue.disabled ? 'disabled' : 'stopped';
    if (!run) {
      await this.teardown;
      if (this.state !== finalState) this.setState(finalState, reason, null);
      return;
    }
    run.stopping = true;
    this.setState('stopping', reason, null);
    await this.stopRun(run, options.deadline);
    if (this.run === run) this.run = undefined;
    this.readySince = null;
    this.setCatalog(EMPTY_CATALOG);
    this.setState(finalState, reason, null);
  }

  async restart(reason: StateReason = 'manual-restart'): Promise<void> {
    await this.stop(reason);
    this.start(reason);
  }

  /**
   * Applies a changed config entry: the server restarts with it (or stops, if now disabled), once the calls in
   * flight on it have finished (bounded), so that editing a config does not kill the calls it is serving.
   */
  async reconfigure(config: ServerConfig, reason: StateReason): Promise<void> {
    if (this.state === 'ready' && this.host.drain) {
      this.drainingValue = true;
      const ms = this.host.drainMs ?? 15_000;
      try {
        if (!(await this.host.drain(this.name, ms))) this.log('warn', `calls still running after ${formatMs(ms)} of waiting were cut off by the restart for the changed config`);
      } finally {
        this.drainingValue = false;
      }
    }
    await this.stop(reason);
    this.configValue = config;
    this.policy = new RestartPolicy(config.restart === false ? { maxRetries: 0, initialDelayMs: 0, maxDelayMs: 0, stableAfterMs: 0 } : config.restart, this.host.random);
    if (config.disabled) this.setState('disabled', 'disabled', null);
    else this.start(reason);
  }

  private async launch(reason: StateReason): Promise<void> {
    const generation = this.generation + 1;
    try {
      await this.attempt(reason);
    } catch (error) {
      // A bug of ours must not leave the server in 'starting' forever: it counts as a failed attempt.
      if (generation !== this.generation || this.state !== 'starting') return;
      const run = this.run;
      this.fail(run, 'crashed', `internal error while starting: ${errorMessage(error)}`);
    }
  }

  private async attempt(reason: StateReason): Promise<void> {
    const generation = ++this.generation;
    this.nextRestartAt = null;
    this.setState('starting', reason, null);
    await this.teardown; // The previous incarnation's group must be gone before a new one starts.
    const opened = this.configValue.url !== undefined ? await this.openRemote(generation) : await this.spawnLocal(generation);
    if (!opened) return;
    const { run, transport } = opened;

    const timeoutMs = this.configValue.startupTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      run.client.connect(transport).then(
        () => ({ kind: 'connected' as const }),
        (error: unknown) => ({ kind: 'error' as const, error }),
      ),
      run.ended.then(() => ({ kind: 'ended' as const })),
      new Promise<{ kind: 'timeout' }>((resolve) => (timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (this.run !== run || run.stopping || run.failed) return;
    if (outcome.kind === 'ended') return; // onEnded reports it, with the exit code and stderr.
    if (outcome.kind === 'timeout') {
      const hint = run.process ? ' (is it an MCP server speaking stdio?)' : '';
      this.fail(run, 'handshake-failed', `no MCP handshake within ${formatMs(timeoutMs)}${hint}`);
      return;
    }
    if (outcome.kind === 'error') {
      // A handshake that failed because the process died is reported by onEnded, with the reason.
      if (run.process && (await settlesWithin(run.ended, 500))) return;
      if (this.run !== run || run.stopping || run.failed) return;
      this.fail(run, 'handshake-failed', run.process ? `MCP handshake failed: ${errorMessage(outcome.error)}` : describeRemoteFailure(outcome.error, this.remoteUrl!));
      return;
    }
    if (!run.process && run.client.getProtocolEra() === 'modern') await this.openLegacyCompanion(run);
    const catalog = await this.listCatalog(run.client);
    if (this.run !== run || run.stopping || run.failed) return;
    this.catalogValue = catalog;
    this.policy.recordReady(Date.now());
    this.readySince = Date.now();
    this.lastError = null;
    this.setState('ready', 'handshake-complete', null);
    this.onDidChangeCatalogEmitter.fire({ catalog });
    this.startHealthChecks(run);
  }

  /** Spawns the stdio server in its own process group. Undefined when the attempt already ended (and was reported). */
  private async spawnLocal(generation: number): Promise<{ run: Run; transport: Transport } | undefined> {
    let spawnArgs: Parameters<typeof spawn>;
    let commandLine: string;
    try {
      const prepared = await this.prepareLaunch();
      spawnArgs = prepared.spawnArgs;
      commandLine = prepared.commandLine;
    } catch (error) {
      if (generation === this.generation) this.fail(undefined, 'launch-failed', errorMessage(error));
      return undefined;
    }
    if (generation !== this.generation) return undefined;

    // Everything that can fail is done before the spawn, so a failure can never leave a process behind.
    const client = this.createClient(false);
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(...spawnArgs) as ChildProcessWithoutNullStreams;
    } catch (error) {
      this.fail(undefined, 'launch-failed', `spawn ${this.configValue.command}: ${errorMessage(error)}`);
      return undefined;
    }
    const ended = new Promise<ExitInfo>((resolve) => {
      child.once('error', (error) => resolve({ kind: 'spawn-error', error }));
      child.once('exit', (code, signal) => resolve({ kind: 'exit', code, signal }));
    });
    if (child.pid === undefined) {
      const info = await ended;
      const detail = info.kind === 'spawn-error' ? `spawn ${this.configValue.command} ${info.error.code ?? info.error.message}` : 'spawn failed';
      if (generation === this.generation) this.fail(undefined, 'launch-failed', detail);
      return undefined;
    }
    const pid = child.pid;
    this.host.registry.add({
      pid,
      pgid: pid,
      server: this.name,
      command: this.redact(commandLine),
      startToken: processStartToken(pid),
      ownerPid: process.pid,
      ownerToken: processStartToken(process.pid),
      startedAt: Date.now(),
    });
    const stderr = new OutputCapture('stderr', (stream, level, message) => this.host.log({ server: this.name, stream, level, message: this.redact(message) }), this.host.captureLimits ?? DEFAULT_CAPTURE_LIMITS);
    const stderrEnded = new Promise<void>((resolve) => child.stderr.once('close', () => resolve()));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stderr.once('end', () => stderr.end());
    const noise = new OutputCapture('stdout', (stream, level, message) => this.host.log({ server: this.name, stream, level: stream === 'stdout' ? 'warn' : level, message: this.redact(message) }), this.host.captureLimits ?? DEFAULT_CAPTURE_LIMITS);
    const run: Run = { process: { child, pid, stderr, noise, stderrEnded }, client, ended, stopping: false, failed: false, noiseSeen: false, lastHeardAt: Date.now() };
    // Owned from here on: whatever fails next, a stop or a failure tears this process group down.
    this.run = run;
    const stdio = new ChildStdioTransport(child.stdin, child.stdout, (line) => this.onNoise(run, line));
    this.log('info', `started (pid ${pid}): ${commandLine}`);
    void ended.then((info) => this.onEnded(run, info));
    return { run, transport: new NotificationsFirst(new Heartbeat(this.host.decorateTransport?.(stdio, this.name) ?? stdio, () => (run.lastHeardAt = Date.now()))) };
  }

  /** Connects to a remote server over Streamable HTTP (either protocol era). */
  private async openRemote(generation: number): Promise<{ run: Run; transport: Transport } | undefined> {
    const environment = await this.host.launchEnvironment();
    if (generation !== this.generation) return undefined;
    const expand = (value: string) => expandVariables(value, environment.variables, environment.parentEnv);
    const url = new URL(expand(this.configValue.url!));
    this.remoteUrl = url;
    this.rememberSecrets(Object.values(this.configValue.headers ?? {}).map((value) => expand(value).replace(/^(Bearer|Basic|token)\s+/i, '')));
    let close: (info: ExitInfo) => void = () => undefined;
    const ended = new Promise<ExitInfo>((resolve) => (close = resolve));
    const run: Run = { client: this.createClient(true), ended, stopping: false, failed: false, noiseSeen: false, lastHeardAt: Date.now() };
    // Told a moment later: a handshake that failed rejects first, so its reason (refused, 404) is what is said.
    run.client.onclose = () => setImmediate(() => close({ kind: 'closed', detail: `the connection to ${url.origin} closed` }));
    this.run = run;
    this.log('info', `connecting to ${url.href}`);
    void ended.then((info) => this.onEnded(run, info));
    return { run, transport: await this.remoteTransport(run.client, () => (run.lastHeardAt = Date.now())) };
  }

  /** A 2025 session with a remote server that answered in the 2026-07-28 era, if it speaks 2025 too. */
  private async openLegacyCompanion(run: Run): Promise<void> {
    const transport = await this.remoteTransport();
    const client = this.createClient(false);
    try {
      await client.connect(transport, { timeout: Math.min(this.configValue.startupTimeoutMs, 10_000) });
    } catch {
      await client.close().catch(() => undefined);
      this.log('info', 'speaks only the 2026-07-28 protocol: 2025 clients are served by translating');
      return;
    }
    if (this.run !== run || run.stopping || run.failed) {
      await client.close().catch(() => undefined);
      return;
    }
    run.legacy = client;
    // A companion that goes away leaves 2025 clients to the main connection (translated).
    client.onclose = () => {
      if (run.legacy === client) run.legacy = undefined;
    };
    this.log('info', 'speaks both protocol eras: each client is served in its own');
  }

  /** A Streamable HTTP transport to the remote server, decorated like every upstream transport. */
  private async remoteTransport(client?: Client, heard?: () => void): Promise<Transport> {
    const environment = await this.host.launchEnvironment();
    const expand = (value: string) => expandVariables(value, environment.variables, environment.parentEnv);
    const url = new URL(expand(this.configValue.url!));
    const headers = Object.fromEntries(Object.entries(this.configValue.headers ?? {}).map(([key, value]) => [key, expand(value)]));
    const http = new StreamableHTTPClientTransport(url, { requestInit: { headers }, fetch: withStreamedJson(isolatingFetch) });
    const recorded = this.host.decorateTransport?.(http, this.name) ?? http;
    const decorated = heard ? new Heartbeat(recorded, heard) : recorded;
    return new NotificationsFirst(client ? new CompleteResults(decorated, () => client.getProtocolEra() === 'modern', (message) => this.log('warn', message)) : decorated);
  }

  private async prepareLaunch(): Promise<{ spawnArgs: Parameters<typeof spawn>; commandLine: string }> {
    const config = this.configValue;
    if (config.command === undefined) throw new Error('remote servers (url) are served by the gateway, not spawned');
    const environment = await this.host.launchEnvironment();
    const expand = (value: string) => expandVariables(value, environment.variables, environment.parentEnv);
    const command = expand(config.command);
    const args = config.args.map(expand);
    const cwd = config.cwd !== undefined ? expand(config.cwd) : environment.variables.home;
    if (!fs.existsSync(cwd)) throw new Error(`cwd ${cwd} does not exist`);
    const configuredEnv = Object.fromEntries(Object.entries(config.env).map(([key, value]) => [key, expand(value)]));
    // Every configured env value, and every secret among the args, is hidden wherever it would be shown or kept.
    this.rememberSecrets([...Object.values(configuredEnv), ...secretsInArgs(args)]);
    // The app's own Node runtime (Electron) needs its marker variable to behave as Node.
    const runtimeEnv = config.command.includes('${switchboard:node}') ? environment.variables.node.env : {};
    const env = buildEnv(environment.parentEnv, environment.pathValue, { ...runtimeEnv, ...configuredEnv });
    const resolved = resolveCommand(command, { cwd, pathValue: env.PATH ?? env.Path ?? environment.pathValue, pathExt: env.PATHEXT });
    const spec = launchSpec(resolved, args, process.platform, env.ComSpec);
    return {
      spawnArgs: [
        spec.file,
        spec.args,
        {
          cwd,
          env,
          stdio: ['pipe', 'pipe', 'pipe'],
          // Its own process group (setsid): a stop signals the group, so wrappers' children go too.
          detached: process.platform !== 'win32',
          windowsHide: true,
          windowsVerbatimArguments: spec.windowsVerbatimArguments,
        },
      ],
      commandLine: [resolved, ...args].join(' '),
    };
  }

  private createClient(remote: boolean): Client {
    const client = new Client(this.host.clientInfo, {
      capabilities: this.host.clientCapabilities ?? {},
      // Remote servers may speak the 2026-07-28 era; stdio servers are probed by a handshake of their own.
      ...(remote ? { versionNegotiation: { mode: 'auto' as const } } : {}),
      listChanged: {
        tools: { debounceMs: 50, onChanged: (error, tools) => !error && tools && this.setCatalog({ ...this.catalogValue, tools }, 'tools') },
        prompts: { debounceMs: 50, onChanged: (error, prompts) => !error && prompts && this.setCatalog({ ...this.catalogValue, prompts }, 'prompts') },
        resources: {
          debounceMs: 50,
          onChanged: (error, resources) => {
            if (error || !resources) return;
            void this.listTemplates(client).then((resourceTemplates) => this.setCatalog({ ...this.catalogValue, resources, resourceTemplates }, 'resources'));
          },
        },
      },
    });
    this.host.configureClient?.(client, this.name);
    return client;
  }

  private async listCatalog(client: Client): Promise<Catalog> {
    const capabilities = client.getServerCapabilities() ?? {};
    const options = { timeout: this.configValue.timeoutMs };
    const attempt = async <T>(what: string, list: () => Promise<T[]>): Promise<T[]> => {
      try {
        return await list();
      } catch (error) {
        this.log('warn', `listing ${what} failed: ${errorMessage(error)}`);
        return [];
      }
    };
    const [tools, resources, resourceTemplates, prompts] = await Promise.all([
      capabilities.tools ? attempt('tools', async () => (await client.listTools(undefined, options)).tools) : [],
      capabilities.resources ? attempt('resources', async () => (await client.listResources(undefined, options)).resources) : [],
      capabilities.resources ? this.listTemplates(client) : [],
      capabilities.prompts ? attempt('prompts', async () => (await client.listPrompts(undefined, options)).prompts) : [],
    ]);
    return { tools, resources, resourceTemplates, prompts };
  }

  private async listTemplates(client: Client): Promise<ResourceTemplateType[]> {
    try {
      return (await client.listResourceTemplates(undefined, { timeout: this.configValue.timeoutMs })).resourceTemplates;
    } catch {
      return []; // Templates are optional: many servers with resources have none.
    }
  }

  private setCatalog(catalog: Catalog, signalled?: ListKind): void {
    if (catalog === this.catalogValue) return;
    this.catalogValue = catalog;
    this.onDidChangeCatalogEmitter.fire(signalled ? { catalog, signalled } : { catalog });
  }

  /**
   * Liveness, in a few seconds: a server heard from recently is alive; one silent for an interval is pinged, and
   * two pings in a row unanswered (or a process the OS shows stopped) mean it is frozen: it is replaced under the
   * restart policy, and its calls fail at once instead of each waiting for its timeout. A call that timed out
   * (`suspect`) is a reason to ping at once.
   */
  private startHealthChecks(run: Run): void {
    const health = this.configValue.health === false ? undefined : { ...DEFAULT_HEALTH, ...this.host.healthCheck, ...this.configValue.health };
    if (!health) return;
    let misses = 0;
    let probing = false;
    const probe = () => {
      if (probing || this.run !== run || run.stopping || run.failed) return;
      probing = true;
      this.probesValue++;
      const answer = run.client.getProtocolEra() === 'modern' ? run.client.discover({ timeout: health.timeoutMs }) : run.client.ping({ timeout: health.timeoutMs });
      answer.then(
        () => {
          misses = 0;
          probing = false;
        },
        () => {
          probing = false;
          misses++;
          if (this.run !== run || run.stopping || run.failed) return;
          if (misses >= health.misses) this.fail(run, 'unresponsive', `unresponsive: ${misses} pings in a row went unanswered for ${formatMs(health.timeoutMs)}`);
          else probe(); // The next one at once: a frozen server is found within two timeouts.
        },
      );
    };
    run.suspect = probe;
    run.pingTimer = setInterval(() => {
      if (this.run !== run || run.stopping || run.failed) return;
      if (run.process && processState(run.process.pid) === 'stopped') {
        this.fail(run, 'unresponsive', 'unresponsive: the process is stopped (SIGSTOP, or a debugger holds it)');
        return;
      }
      if (Date.now() - run.lastHeardAt >= health.intervalMs) probe();
    }, health.intervalMs);
    run.pingTimer.unref();
  }

  /** Liveness pings sent so far (they are counted, not logged). */
  get healthProbes(): number {
    return this.probesValue;
  }

  /** A call to this server timed out: it may be frozen, so it is pinged now rather than at the next interval. */
  suspect(): void {
    this.run?.suspect?.();
  }

  private onNoise(run: Run, line: string): void {
    if (!run.noiseSeen) {
      run.noiseSeen = true;
      this.log('warn', 'wrote a line on stdout that is not JSON-RPC; such lines are moved to the log (stream stdout) and skipped');
    }
    if (run.process) run.process.noise.push(`${line}\n`);
    else this.host.log({ server: this.name, stream: 'stdout', level: 'warn', message: this.redact(line) });
  }

  private async onEnded(run: Run, info: ExitInfo): Promise<void> {
    if (run.stopping || run.failed || this.run !== run) return;
    if (info.kind === 'closed') {
      this.fail(run, 'crashed', info.detail);
      return;
    }
    // 'exit' can come before the last stderr bytes are read; the reason is usually in them.
    if (run.process) await settlesWithin(run.process.stderrEnded, 250);
    if (run.stopping || run.failed || this.run !== run) return;
    if (info.kind === 'spawn-error') {
      this.fail(run, 'launch-failed', `spawn ${this.configValue.command} ${info.error.code ?? info.error.message}`);
      return;
    }
    const summary = summarizeStderr(run.process?.stderr.recent ?? []);
    const how = info.signal ? `killed by ${info.signal}` : `exited with code ${info.code}`;
    this.fail(run, info.code === 0 ? 'clean-exit' : 'crashed', summary ? `${how}: ${summary}` : how);
  }

  /** The app's redactor learns them too: a value hidden here is hidden in every log, message and trace. */
  private rememberSecrets(values: readonly string[]): void {
    this.host.redactor?.add(values);
    this.redactor.add(values);
  }

  private redact(text: string): string {
    return this.redactor.redact(text);
  }

  /** The current attempt failed: tear it down and restart with backoff, or give up. */
  private fail(run: Run | undefined, kind: FailureKind, rawMessage: string): void {
    const message = this.redact(rawMessage);
    if (run) {
      run.failed = true;
      if (this.run === run) this.run = undefined;
      this.teardown = this.stopRun(run, Date.now() + 3000);
    }
    this.readySince = null;
    this.lastError = message;
    this.setCatalog(EMPTY_CATALOG);
    if (kind === 'launch-failed' || this.configValue.restart === false) {
      this.setState('failed', kind, message);
      return;
    }
    const decision = this.policy.recordFailure(Date.now());
    if (decision.action === 'give-up') {
      this.setState('crash-loop', 'too-many-restarts', `${message} (gave up after ${decision.attempts} failures in a row; restart it by hand)`);
      return;
    }
    this.restarts++;
    this.nextRestartAt = Date.now() + decision.delayMs;
    this.setState('restarting', kind, `${message}; restart ${decision.attempt} in ${formatMs(decision.delayMs)}`);
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => void this.launch('backoff-elapsed'), decision.delayMs);
  }

  private async stopRun(run: Run, deadline?: number): Promise<void> {
    clearInterval(run.pingTimer);
    const grace = this.host.stopGrace ?? DEFAULT_STOP_GRACE;
    const remaining = deadline === undefined ? Number.POSITIVE_INFINITY : Math.max(0, deadline - Date.now());
    // Closing the client closes stdin: well-behaved stdio servers exit on EOF.
    await Promise.all([run.client.close().catch(() => undefined), run.legacy?.close().catch(() => undefined)]);
    const local = run.process;
    if (!local) return;
    if (!(await waitForGroupExit(local.pid, Math.min(grace.stdinMs, remaining * 0.3)))) {
      const outcome = await terminateGroup(local.pid, Math.min(grace.termMs, remaining * 0.5));
      if (outcome === 'killed') this.log('warn', `did not exit on SIGTERM; killed with SIGKILL`);
      if (outcome === 'survived') this.log('error', `process group ${local.pid} survived SIGKILL`);
    }
    // The last lines (and the count of dropped ones) arrive once the pipe closes: wait for them, briefly.
    await settlesWithin(local.stderrEnded, 500);
    local.stderr.dispose();
    local.noise.dispose();
    this.droppedBefore += local.stderr.dropped + local.noise.dropped;
    this.host.registry.remove(local.pid);
  }

  private setState(state: ServerState, reason: StateReason, detail: string | null): void {
    const previous = this.state;
    this.state = state;
    this.since = Date.now();
    if (state !== 'restarting') this.nextRestartAt = null;
    this.log(state === 'failed' || state === 'crash-loop' || state === 'restarting' ? 'error' : 'info', `${previous} → ${state} (${reason})${detail ? `: ${detail}` : ''}`);
    this.onDidChangeStatusEmitter.fire({ server: this.name, previous, state, reason, detail });
  }

  private log(level: NewLogEntry['level'], message: string): void {
    this.host.log({ server: this.name, stream: 'lifecycle', level, message: this.redact(message) });
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.restartTimer);
    if (this.run) clearInterval(this.run.pingTimer);
    this.onDidChangeStatusEmitter.dispose();
    this.onDidChangeCatalogEmitter.dispose();
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  clearTimeout(timer);
  return result;
}

