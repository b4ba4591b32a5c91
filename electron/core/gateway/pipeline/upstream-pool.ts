import type { Client } from '@modelcontextprotocol/client';
import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { fnv1a } from '../../../../shared/tool-names.ts';
import { Emitter, type Event } from '../../base/event.ts';
import type { ManagedServer } from '../../supervisor/managed-server.ts';
import type { Supervisor } from '../../supervisor/supervisor.ts';
import type { ActiveSpan } from '../tracing.ts';
import type { Caller } from './context.ts';

/** The state of a replica's circuit breaker, as /health and the window show it. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * The policies one replica's requests run under (a circuit breaker, a bounded number at once and waiting), made
 * for the pool by the composition root (resilience/). A refusal is a ServerUnavailableError with its sentence.
 */
export interface ReplicaGuard {
  run<T>(request: () => Promise<T>, signal: AbortSignal): Promise<T>;
  /** New requests would be refused now (the breaker is open): the pool prefers another replica. */
  readonly refusing: boolean;
  readonly breaker: BreakerState;
  dispose(): void;
}

/** Makes the guard of one incarnation of a replica (a restarted replica starts with a closed breaker); `changed` when its breaker moves. */
export type GuardFactory = (server: string, replica: ManagedServer, changed: () => void) => ReplicaGuard;

const UNGUARDED: ReplicaGuard = { run: (request) => request(), refusing: false, breaker: 'closed', dispose: () => undefined };

/** A replica lent to one request: its client while the request runs; `release` gives it back (once). */
export interface Lease {
  /** The configured server (a replica's group). */
  readonly server: string;
  readonly client: Client;
  readonly replica: ManagedServer;
  readonly timeoutMs: number;
  readonly caller: Caller;
  readonly startedAt: number;
  /** The span of the request to the replica while it runs: a server's own requests (sampling, ...) are its steps. */
  span?: ActiveSpan;
  /** Runs the request to the replica under its guard (breaker, limits). */
  run<T>(request: () => Promise<T>, signal: AbortSignal): Promise<T>;
  release(): void;
}

/**
 * A known server that cannot answer now, with a sentence saying why and what to do: a model reading it can
 * choose another way, a person reading it knows where to look.
 */
export class ServerUnavailableError extends ProtocolError {
  constructor(
    readonly server: string,
    readonly state: string,
    message: string,
  ) {
    super(ProtocolErrorCode.InternalError, message, { server, state });
    this.name = 'ServerUnavailableError';
  }
}

/**
 * The replicas of every server, lent to requests: the ready replica with the fewest requests in flight (taking
 * turns among equals), or for a `stateful` server the one the caller's session sticks to, for every method. It
 * knows which caller each request in flight belongs to, so a replica's own requests (sampling, elicitation,
 * roots) reach the right client. What it counts per replica leaves with the replica's last request.
 */
export class UpstreamPool {
  /** Replica name → its leases in flight (the entry is removed with the last one, so nothing accumulates). */
  private readonly leases = new Map<string, Set<Lease>>();
  private readonly turns = new Map<string, number>();
  private readonly drained = new Map<string, () => void>();
  /** Each replica's guard, for the incarnation it was made for (keyed by when that one became ready). */
  private readonly guards = new WeakMap<ManagedServer, { guard: ReplicaGuard; readySince: number | null }>();
  private readonly onDidChangeBreakerEmitter = new Emitter<string>();
  /** A server's circuit breaker opened, half-opened or closed. */
  readonly onDidChangeBreaker: Event<string> = this.onDidChangeBreakerEmitter.event;

  constructor(
    private readonly supervisor: Supervisor,
    private readonly warn: (server: string, message: string) => void,
    private readonly makeGuard?: GuardFactory,
  ) {}

  /** The guard of a replica's current incarnation. */
  private guardOf(server: string, replica: ManagedServer): ReplicaGuard {
    if (!this.makeGuard) return UNGUARDED;
    const readySince = replica.status().readySince;
    const known = this.guards.get(replica);
    if (known && known.readySince === readySince) return known.guard;
    known?.guard.dispose();
    const guard = this.makeGuard(server, replica, () => this.onDidChangeBreakerEmitter.fire(server));
    this.guards.set(replica, { guard, readySince });
    return guard;
  }

  /** The breaker of a server: the worst of its replicas' (open if every ready one is open). */
  breakerState(server: string): BreakerState {
    const states = this.supervisor.replicas(server).filter((replica) => replica.client !== undefined).map((replica) => this.guardOf(server, replica).breaker);
    if (states.length > 0 && states.every((state) => state === 'open')) return 'open';
    return states.includes('half-open') || states.includes('open') ? 'half-open' : 'closed';
  }

  /** A replica of `server` for `caller`'s request; `preferred` (a replica name) wins while it is ready; `avoid` is never chosen. */
  acquire(server: string, caller: Caller, preferred?: string, avoid?: string): Lease {
    const available = this.supervisor.replicas(server).filter((replica) => replica.client !== undefined && !replica.draining && replica.name !== avoid);
    if (available.length === 0) throw this.unavailable(server);
    // A replica whose breaker is open is passed over while another can take the call; if none can, the guard says why.
    const willing = available.filter((replica) => !this.guardOf(server, replica).refusing);
    const ready = willing.length > 0 ? willing : available;
    const replica = this.choose(server, ready, caller, preferred);
    const guard = this.guardOf(server, replica);
    // The caller's own era where the server speaks it: nothing to translate.
    const client = replica.clientFor(caller.era) ?? replica.client!;
    const leases = this.leases.get(replica.name) ?? new Set<Lease>();
    this.leases.set(replica.name, leases);
    let released = false;
    const lease: Lease = {
      server,
      client,
      replica,
      timeoutMs: replica.config.timeoutMs,
      caller,
      startedAt: Date.now(),
      run: (request, signal) => guard.run(request, signal),
      release: () => {
        if (released) return;
        released = true;
        leases.delete(lease);
        if (leases.size === 0 && this.leases.get(replica.name) === leases) {
          this.leases.delete(replica.name);
          this.drained.get(replica.name)?.();
        }
      },
    };
    leases.add(lease);
    return lease;
  }

  /** Every configured server's name. */
  servers(): string[] {
    return this.supervisor.list().map((server) => server.name);
  }

  /** Whether any replica of `server` can take a request now. */
  isReady(server: string): boolean {
    return this.supervisor.replicas(server).some((replica) => replica.client !== undefined);
  }

  /** Requests in flight on a replica. */
  inFlight(replica: string): number {
    return this.leases.get(replica)?.size ?? 0;
  }

  /** How many replicas the pool still counts requests for (bounded by the replicas with requests in flight). */
  get trackedReplicas(): number {
    return this.leases.size;
  }

  /**
   * The caller a replica's own request belongs to. Over stdio such a request names no call, so: the only request
   * in flight on that replica, else the most recent one (and the log says it was a guess).
   */
  callerOf(replica: string): Caller | undefined {
    return this.leaseOf(replica)?.caller;
  }

  /**
   * The trace of the one call in flight on a replica, for the lines its server writes meanwhile; none when no call
   * or several are (a line of a server doing two things at once belongs to neither for sure).
   */
  traceOf(replica: string): string | undefined {
    const leases = this.leases.get(replica);
    if (!leases || leases.size !== 1) return undefined;
    for (const lease of leases) return lease.span?.traceId;
    return undefined;
  }

  /** The call a replica's own request belongs to (see callerOf): its caller and its span. */
  leaseOf(replica: string): Lease | undefined {
    const leases = [...(this.leases.get(replica) ?? [])];
    if (leases.length > 1) this.warn(replica, `${leases.length} calls in flight when the server asked its client something; routed to the most recent call`);
    return leases.sort((a, b) => a.startedAt - b.startedAt).at(-1);
  }

  /** Waits until a replica has no request in flight, at most `ms` (before a changed server restarts). */
  async drain(replica: string, ms: number): Promise<boolean> {
    if (this.inFlight(replica) === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      new Promise<boolean>((resolve) => this.drained.set(replica, () => resolve(true))),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
    ]);
    clearTimeout(timer);
    this.drained.delete(replica);
    return done;
  }

  /** Why a configured (or once configured) server cannot take a request now, in one sentence. */
  unavailable(server: string): ServerUnavailableError {
    const replicas = this.supervisor.replicas(server);
    const primary = replicas[0];
    if (!primary) return new ServerUnavailableError(server, 'removed', `Server "${server}" is not in the config (it was removed, or never added).`);
    const state = primary.currentState;
    const status = primary.status();
    const draining = replicas.filter((replica) => replica.draining);
    if (draining.length > 0 && draining.length === replicas.filter((replica) => replica.client !== undefined).length) {
      const waiting = draining.reduce((sum, replica) => sum + this.inFlight(replica.name), 0);
      return new ServerUnavailableError(server, 'draining', `Server "${server}" is restarting to apply its changed config (waiting for ${waiting} call${waiting === 1 ? '' : 's'} in flight to finish); try again in a moment.`);
    }
    const error = status.lastError ? ` (last error: ${status.lastError})` : '';
    const downFor = `, down for ${formatWait(Date.now() - status.since)}`;
    const sentence = ((): string => {
      switch (state) {
        case 'restarting': {
          const restart = primary.config.restart;
          const of = restart === false ? '' : ` of ${restart.maxRetries}`;
          const next = status.nextRestartAt === null ? '' : `, next in ${formatWait(status.nextRestartAt - Date.now())}`;
          return `Server "${server}" is restarting (attempt ${primary.restartAttempt}${of}${next}${downFor})${error}; try again then.`;
        }
        case 'starting':
          return `Server "${server}" is starting (for ${formatWait(Date.now() - status.since)} so far); try again in a moment.`;
        case 'stopping':
          return `Server "${server}" is stopping.`;
        case 'stopped':
          return `Server "${server}" is stopped (for ${formatWait(Date.now() - status.since)}): start it on the Servers page of the Switchboard window.`;
        case 'disabled':
          return `Server "${server}" is disabled in the config ("disabled": true): enable it on the Servers page of the Switchboard window.`;
        case 'crash-loop':
          return `Server "${server}" is in crash-loop (for ${formatWait(Date.now() - status.since)}): it failed ${primary.restartAttempt} times in a row${error}. Restart it on the Servers page of the Switchboard window once the cause is fixed.`;
        case 'failed':
          return `Server "${server}" could not start${error}: fix its entry in the config; it starts again when the entry changes.`;
        case 'ready':
          // Every replica's client went away between the check and now: it is going down.
          return `Server "${server}" is going down${error}; try again in a moment.`;
      }
    })();
    return new ServerUnavailableError(server, state, sentence);
  }

  private choose(server: string, ready: readonly ManagedServer[], caller: Caller, preferred: string | undefined): ManagedServer {
    if (ready.length === 1) return ready[0]!;
    if (preferred) {
      const found = ready.find((replica) => replica.name === preferred);
      if (found) return found;
    }
    if (ready[0]!.config.stateful && caller.session) return ready[fnv1a(caller.session) % ready.length]!;
    // Fewest in flight; among equals, take turns (so even quick calls one after another use every copy).
    let least = Number.POSITIVE_INFINITY;
    for (const replica of ready) least = Math.min(least, this.inFlight(replica.name));
    const candidates = ready.filter((replica) => this.inFlight(replica.name) === least);
    const turn = this.turns.get(server) ?? 0;
    this.turns.set(server, (turn + 1) % 1_000_000);
    return candidates[turn % candidates.length]!;
  }
}

function formatWait(ms: number): string {
  const clamped = Math.max(0, ms);
  return clamped >= 1000 ? `${Math.round(clamped / 1000)} s` : `${Math.round(clamped)} ms`;
}
