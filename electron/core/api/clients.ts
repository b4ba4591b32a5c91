import type { ClientSession } from '../../../shared/contract.ts';
import type { Store } from '../store/store.ts';

/** A session seen this recently counts as active (the endpoint closes idle sessions after 30 minutes). */
export const ACTIVE_WINDOW_MS = 30 * 60_000;

/**
 * The client sessions the gateway served in the last day, from their traces: one per legacy session, one per
 * client name for sessionless (2026) clients. The playground's own sessions are left out.
 */
export function recentSessions(store: Store, now = Date.now(), playgroundPrefix = 'playground-', isOpen?: (session: string) => boolean): ClientSession[] {
  return store.traces.recentSessions(now - 24 * 3600_000, playgroundPrefix).map((row) => ({
    session: row.session,
    client: row.client,
    firstSeen: Math.floor(row.first),
    lastSeen: Math.floor(row.last),
    requests: row.requests,
    // A 2025 session is active while the gateway holds it open (a one-shot `switchboard call` closes its own);
    // a sessionless 2026-07-28 client, while it was heard from lately.
    active: row.session !== null && isOpen ? isOpen(row.session) : row.last >= now - ACTIVE_WINDOW_MS,
  }));
}
