import fs from 'node:fs';
import os from 'node:os';
import type { ClientCapabilities } from '@modelcontextprotocol/client';
import type { HealthReport, LogLevel, ServerStatus } from '../../shared/model.ts';
import { ConfigFile } from './config/file.ts';
import { ConfigError } from './config/parse.ts';
import { dataDirFiles, ensureConfig } from './data-dir.ts';
import { Emitter, type Event } from './base/event.ts';
import { ensurePrivateDir } from './base/fs.ts';
import { DisposableStore } from './base/lifecycle.ts';
import { Redactor } from './base/redactor.ts';
import { isSecretStore, openSecretStore, type NoSecretStore, type SecretStore } from './secrets/secret-store.ts';
import { sweepLeftovers } from './process/leftovers.ts';
import { Store, type StoreOptions } from './store/store.ts';
import type { NewLogEntry } from './store/logs.ts';
import { mergePathLists, resolveLoginShellPath } from './supervisor/launch.ts';
import type { LaunchEnvironment, ServerHost } from './supervisor/managed-server.ts';
import type { CaptureLimits } from './supervisor/output-capture.ts';
import { Supervisor } from './supervisor/supervisor.ts';
import { Gateway, type GatewayOptions } from './gateway/gateway.ts';
import { RecordingTransport } from './gateway/tracing.ts';
import { replicaGuards } from './resilience/replica-guard.ts';
import { responseCache } from './resilience/response-cache.ts';
import { SLOT_MS } from './telemetry/fleet-stats.ts';
import { Metrics } from './telemetry/metrics.ts';
import { Telemetry } from './telemetry/tracing.ts';
import type { OtlpExportSettings } from '../../shared/telemetry.ts';
import type { OtlpExportView } from '../../shared/contract.ts';
import { spanOutcome } from './telemetry/span-outcome.ts';
import { access } from './auth/access.ts';
import { Scopes } from './auth/scopes.ts';
import { Approvals } from './policy/approvals.ts';
import { audit } from './policy/audit.ts';
import { Limits } from './policy/limits.ts';
import { policy } from './policy/policy.ts';

export interface SwitchboardOptions {
  dataDir: string;
  /** Defaults to `mcp.json` in the data dir, created with the demo server when missing; a given path must exist. */
  configPath?: string;
  version: string;
  /** Folder of bundled resources (the demo server). */
  resourcesDir: string;
  /** The Node runtime for `${switchboard:node}`: Node itself, or Electron with ELECTRON_RUN_AS_NODE. */
  nodeRuntime?: { path: string; env: Record<string, string> };
  /** Resolve PATH from the user's login shell (GUI apps get a bare PATH). Default: on macOS only. */
  loginShellPath?: boolean;
  /** Capabilities the upstream clients declare to servers. */
  clientCapabilities?: ClientCapabilities;
  store?: StoreOptions;
  captureLimits?: CaptureLimits;
  healthCheck?: ServerHost['healthCheck'];
  stopGrace?: ServerHost['stopGrace'];
  /** How long a changed server's calls in flight may run before it restarts (default 15 s). */
  drainMs?: number;
  gateway?: Partial<Pick<GatewayOptions, 'pageSize' | 'startingWaitMs'>>;
  /** Parent environment for servers (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

/**
 * What the gateway's upstream clients declare: it relays sampling, elicitation and roots requests to the
 * client whose call caused them (servers such as server-everything offer more tools when these are declared).
 */
export const UPSTREAM_CAPABILITIES: ClientCapabilities = { sampling: {}, elicitation: { form: {}, url: {} }, roots: {} };

/** An app-level log line, also echoed by hosts (the CLI prints them to stderr). */
export interface AppLogLine {
  level: LogLevel;
  message: string;
}

/** Who may call what: the clients' views, the calls waiting for a person, the rate limits. */
export interface AccessControl {
  readonly scopes: Scopes;
  readonly approvals: Approvals;
  readonly limits: Limits;
}

/**
 * The core, composed: store, config, supervisor. The same object runs inside Electron's main process and
 * inside `switchboard serve`; hosts add their own surfaces (HTTP, IPC, windows) around it.
 */
export class Switchboard {
  private readonly disposables = new DisposableStore();
  private readonly onDidLogEmitter = new Emitter<AppLogLine>();
  /** App-level events worth telling a person about (config errors, leftovers stopped). */
  readonly onDidLog: Event<AppLogLine> = this.onDidLogEmitter.event;
  private readonly startedAt = Date.now();
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly options: SwitchboardOptions,
    readonly store: Store,
    readonly config: ConfigFile,
    readonly supervisor: Supervisor,
    /** The aggregating MCP server; hosts serve it over HTTP (McpEndpoint). */
    readonly gateway: Gateway,
    /** Hides every secret value the app knows, wherever text is shown or kept. */
    readonly redactor: Redactor,
    /** Where `${secret:NAME}` values live (or why there is nowhere). */
    readonly secrets: SecretStore | NoSecretStore,
    readonly access: AccessControl,
    /** The Prometheus metrics (`/metrics`). */
    readonly metrics: Metrics,
    /** Tracing on OpenTelemetry: the store's spans, OTLP export. */
    readonly telemetry: Telemetry,
  ) {}

  /** OTLP export: its setting (header names only) and what it is doing. */
  otlpExport(): OtlpExportView {
    return { ...this.telemetry.status(), settings: otlpSettings(this.store, this.secrets)[0] ?? null };
  }

  /** Turns OTLP export on or off as the window sets it (header values go to the keychain, never the store). */
  setOtlpExport(settings: OtlpExportSettings, headers?: Record<string, string>): void {
    if (headers && Object.keys(headers).length > 0) {
      if (!isSecretStore(this.secrets)) throw new Error(`OTLP headers are secrets and cannot be kept: ${this.secrets.unavailable}`);
      for (const [name, value] of Object.entries(headers)) {
        this.secrets.set(otlpHeaderSecret(name), value);
        this.redactor.add([value]);
      }
    }
    const names = headers ? Object.keys(headers) : (settings.headerNames ?? []);
    this.store.setSetting(OTLP_SETTING, JSON.stringify({ enabled: settings.enabled, endpoint: settings.endpoint.trim(), headerNames: names } satisfies OtlpExportSettings));
    this.telemetry.configure(...otlpSettings(this.store, this.secrets));
  }

  /**
   * Opens the data dir (refusing one held by another live Switchboard), stops what a previous run left
   * behind, loads the config (a ConfigError names the file and field) and starts every enabled server.
   */
  static async start(options: SwitchboardOptions, onLog?: (line: AppLogLine) => void): Promise<Switchboard> {
    ensurePrivateDir(options.dataDir);
    const configPath = options.configPath ?? dataDirFiles(options.dataDir).config;
    // One redactor for the whole app: every stored secret, and each server's secret values as it starts.
    const redactor = new Redactor();
    const secrets = openSecretStore(options.dataDir, options.env ?? process.env);
    if (isSecretStore(secrets)) {
      try {
        redactor.add(secrets.names().map((name) => secrets.get(name) ?? ''));
      } catch {
        // A store that cannot be read now says so when a secret is needed.
      }
    }
    const store = Store.open(options.dataDir, { ...options.store, redactor });
    const appLog = (level: LogLevel, message: string) => {
      store.logs.append({ server: null, stream: 'app', level, message });
      onLog?.({ level, message });
    };
    try {
      const leftovers = await sweepLeftovers(store.processes);
      if (leftovers.length > 0) {
        const list = leftovers.map((l) => `${l.server} (pid ${l.pid}, ${l.outcome})`).join(', ');
        appLog('warn', `stopped ${leftovers.length} process group(s) left behind by a previous run: ${list}`);
      }
      if (options.configPath === undefined) {
        if (ensureConfig(configPath)) appLog('info', `created ${configPath} with the demo server`);
      } else if (!fs.existsSync(configPath)) {
        // A config named on purpose is never invented: a mistyped path (or another app's file) must not get our demo server.
        throw new ConfigError(configPath, [`${configPath} does not exist: check the path, or leave out --config to use mcp.json in the data dir`]);
      }
      const config = new ConfigFile(configPath);
      config.load();
      // Where secrets are: in the log always; said on the console too where the config needs them and they cannot be had.
      const secretsLine = isSecretStore(secrets) ? `secrets: in ${secrets.description}` : `secrets: ${secrets.unavailable}; \${secret:NAME} references cannot be resolved`;
      if (!isSecretStore(secrets) && fs.readFileSync(configPath, 'utf8').includes('${secret:')) appLog('warn', secretsLine);
      else store.logs.append({ server: null, stream: 'app', level: 'info', message: secretsLine });

      const env = options.env ?? process.env;
      let environment: Promise<LaunchEnvironment> | undefined;
      // The gateway registers handlers on each upstream client; servers start only after it exists.
      const late: { gateway?: Gateway } = {};
      const host: ServerHost = {
        registry: store.processes,
        redactor,
        // A server's lines during its one call in flight carry that call's trace (the Logs and Traces pages link them).
        log: (entry: NewLogEntry) => {
          const traceId = entry.server !== null && entry.stream === 'stderr' ? late.gateway?.pool.traceOf(entry.server) : undefined;
          store.logs.append(traceId ? { ...entry, traceId } : entry);
        },
        launchEnvironment: () =>
          (environment ??= (async () => {
            const useShell = options.loginShellPath ?? process.platform === 'darwin';
            const shellPath = useShell ? await resolveLoginShellPath(env.SHELL) : undefined;
            return {
              parentEnv: env,
              pathValue: mergePathLists([env.PATH, shellPath]),
              variables: {
                node: options.nodeRuntime ?? { path: process.execPath, env: {} },
                resources: options.resourcesDir,
                dataDir: options.dataDir,
                home: env.HOME ?? os.homedir(),
                secret: (name: string) => {
                  if (!isSecretStore(secrets)) throw new Error(`\${secret:${name}} cannot be resolved: ${secrets.unavailable}`);
                  const value = secrets.get(name);
                  if (value === undefined) throw new Error(`secret "${name}" is not set: set it with \`switchboard secrets set ${name}\` (it is kept in ${secrets.description})`);
                  redactor.add([value]);
                  return value;
                },
              },
            };
          })()),
        clientInfo: { name: 'mcp-switchboard', version: options.version },
        clientCapabilities: options.clientCapabilities ?? UPSTREAM_CAPABILITIES,
        // Every message to and from each server is recorded (the Logs and Traces pages read them).
        decorateTransport: (transport, server) => new RecordingTransport(transport, { hop: 'server', session: null, server }, (message) => store.traces.recordMessage(message)),
        configureClient: (client, server) => late.gateway?.attachUpstream(client, server, options.clientCapabilities ?? UPSTREAM_CAPABILITIES),
        drain: (server, ms) => late.gateway?.pool.drain(server, ms) ?? Promise.resolve(true),
        drainMs: options.drainMs,
        captureLimits: options.captureLimits,
        healthCheck: options.healthCheck,
        stopGrace: options.stopGrace,
      };
      const supervisor = new Supervisor(host);
      const snapshot = () => late.gateway!.catalog.snapshot;
      const control: AccessControl = { scopes: new Scopes(), approvals: new Approvals(), limits: new Limits(snapshot) };
      const metrics = new Metrics({
        statuses: () => supervisor.statuses().map((status) => ({ ...status, breaker: late.gateway?.pool.breakerState(status.name) ?? 'closed' })),
        sessionsByClient: () => late.gateway?.sessions.byClient() ?? new Map(),
        droppedNotifications: () => late.gateway?.sessions.droppedNotifications ?? 0,
        storeDroppedWrites: () => store.stats().droppedWrites,
        inFlight: (server) => supervisor.replicas(server).reduce((sum, replica) => sum + (late.gateway?.pool.inFlight(replica.name) ?? 0), 0),
        healthProbes: (server) => supervisor.replicas(server).reduce((sum, replica) => sum + replica.healthProbes, 0),
      });
      const telemetryOff = env.SWITCHBOARD_TELEMETRY === 'off';
      const telemetry = new Telemetry({
        version: options.version,
        record: (span) => store.traces.recordSpan(span),
        redact: (text) => redactor.redact(text),
        env,
        off: telemetryOff,
      });
      telemetry.configure(...otlpSettings(store, secrets));
      const gateway = (late.gateway = new Gateway(supervisor, {
        version: options.version,
        log: (entry) => store.logs.append(entry),
        tracer: telemetry.tracer,
        recordMessage: (message) => store.traces.recordMessage(message),
        // The pipeline's interceptors, in order: the trace sink and the audit sink first, so they see what the client
        // gets; then the client's view (its profile), its limits, its policy; the cache last, behind all of them.
        // The catalog exists with the gateway: the steps read it on each call.
        interceptors: [
          spanOutcome,
          audit((entry) => store.audit.append(entry)),
          // After the audit step: it reads how the call was decided (denied, limited) from the context.
          ...(telemetryOff ? [] : [metrics.interceptor]),
          access(control.scopes),
          control.limits.interceptor,
          policy({
            approvals: control.approvals,
            snapshot,
            allowAlways: (client, rule) => {
              const current = store.clients.get(client);
              if (current) store.clients.setProfile(client, { ...current.profile, rules: [{ tool: rule, decision: 'allow' }, ...(current.profile.rules ?? [])] });
            },
            redact: (value) => redactor.redactValue(value),
          }),
          responseCache(snapshot, supervisor),
        ],
        scopes: (identity) => control.scopes.of(identity),
        guards: replicaGuards((server, level, message) => store.logs.append({ server, stream: 'lifecycle', level, message })),
        ...options.gateway,
      }));
      const instance = new Switchboard(options, store, config, supervisor, gateway, redactor, secrets, control, metrics, telemetry);
      instance.disposables.add(control.approvals);
      // Availability on the Metrics page: whether each enabled server is ready, sampled once a slot.
      const sampleReady = () => metrics.fleet.sampleReady(new Map(instance.statuses().filter((status) => status.state !== 'disabled').map((status) => [status.name, status.state === 'ready'])));
      const sampler = setInterval(sampleReady, SLOT_MS);
      sampler.unref();
      instance.disposables.add({ dispose: () => clearInterval(sampler) });
      instance.disposables.add(supervisor.onDidChangeStatus(sampleReady));
      instance.disposables.add(instance.onDidLog((line) => onLog?.(line)));
      instance.disposables.add(
        config.onDidChange((document) => {
          if (supervisor.isShuttingDown) return;
          void supervisor.apply(document.servers).then((diff) => {
            const parts = [
              diff.added.length && `added ${diff.added.map((s) => s.name).join(', ')}`,
              diff.removed.length && `removed ${diff.removed.join(', ')}`,
              diff.changed.length && `changed ${diff.changed.map((s) => s.name).join(', ')}`,
            ].filter(Boolean);
            if (parts.length) instance.log('info', `config applied: ${parts.join('; ')}`);
          });
        }),
      );
      instance.disposables.add(config.onDidFail((error) => instance.log('error', `config change ignored, the last good config keeps running:\n${error.message}`)));
      config.watch();
      instance.disposables.add(config);
      void supervisor.apply(config.current.servers);
      return instance;
    } catch (error) {
      store.dispose();
      throw error;
    }
  }

  log(level: LogLevel, message: string): void {
    this.store.logs.append({ server: null, stream: 'app', level, message });
    this.onDidLogEmitter.fire({ level, message });
  }

  /** Every server's status, with its circuit breaker as the gateway's pool sees it. */
  statuses(): ServerStatus[] {
    return this.supervisor.statuses().map((status) => ({ ...status, breaker: this.gateway.pool.breakerState(status.name) }));
  }

  /** Overall and per-server health, as `/health` and `switchboard status` report it. */
  health(): HealthReport {
    const minute = this.metrics.fleet.window(60_000).servers;
    const servers = this.statuses().map((status) => {
      const stats = minute.get(status.name);
      return { ...status, load: { callsPerSecond: stats?.callsPerSecond ?? 0, errorRate: stats?.errorRate ?? 0 } };
    });
    const enabled = servers.filter((s) => s.state !== 'disabled');
    let status: HealthReport['status'];
    if (enabled.length === 0) status = 'empty';
    else if (enabled.every((s) => s.state === 'ready')) status = 'ok';
    else if (enabled.every((s) => s.state === 'ready' || s.state === 'starting')) status = 'starting';
    else status = 'degraded';
    return { status, version: this.options.version, uptimeMs: Date.now() - this.startedAt, servers, store: this.store.stats() };
  }

  /** Stops every server under one deadline, writes what is queued and closes the store. Idempotent. */
  shutdown(deadlineMs = 5000): Promise<void> {
    this.stopping ??= (async () => {
      this.config.dispose();
      await this.supervisor.shutdown(deadlineMs);
      this.disposables.dispose();
      this.gateway.dispose();
      this.supervisor.dispose();
      // What is queued for the collector goes before the store closes (bounded by the exporter's own timeout).
      await this.telemetry.shutdown();
      this.store.dispose();
      this.onDidLogEmitter.dispose();
    })();
    return this.stopping;
  }
}

/** The settings key of the window's OTLP export. */
export const OTLP_SETTING = 'telemetry.otlp';
const otlpHeaderSecret = (name: string) => `otlp-header.${name}`;

/** The window's OTLP setting, with its header values from the keychain. */
function otlpSettings(store: Store, secrets: SecretStore | NoSecretStore): [OtlpExportSettings | undefined, Record<string, string> | undefined] {
  const raw = store.getSetting(OTLP_SETTING);
  if (!raw) return [undefined, undefined];
  let settings: OtlpExportSettings;
  try {
    settings = JSON.parse(raw) as OtlpExportSettings;
  } catch {
    return [undefined, undefined];
  }
  const headers: Record<string, string> = {};
  if (isSecretStore(secrets)) {
    for (const name of settings.headerNames ?? []) {
      const value = secrets.get(otlpHeaderSecret(name));
      if (value !== undefined) headers[name] = value;
    }
  }
  return [settings, headers];
}
