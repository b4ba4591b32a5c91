import type { Approval, ApprovalAnswer, AuditEntry, AuditQuery, ClientWithToken, Profile } from '../../shared/access.ts';
import type { AccessClient } from '../../shared/contract.ts';
import { call } from './call.ts';
import type { SliceContext } from './types.ts';

export interface AccessSlice {
  clients: AccessClient[];
  loaded: boolean;
  /** Calls waiting for the person, oldest first. */
  approvals: Approval[];
  /** A token just made or rotated: shown once, until dismissed. */
  fresh: ClientWithToken | null;
  audit: AuditEntry[];
  auditFilter: Pick<AuditQuery, 'client' | 'decision'>;
  refresh(): Promise<void>;
  add(name: string, profile: Profile): Promise<boolean>;
  setProfile(name: string, profile: Profile): Promise<boolean>;
  rotate(name: string): Promise<void>;
  revoke(name: string): Promise<void>;
  remove(name: string): Promise<void>;
  dismissFresh(): void;
  setApprovals(approvals: Approval[]): void;
  loadApprovals(): Promise<void>;
  answer(id: string, answer: ApprovalAnswer): Promise<void>;
  loadAudit(filter?: Pick<AuditQuery, 'client' | 'decision'>): Promise<void>;
}

export function createAccessSlice({ api, get, patch }: SliceContext): AccessSlice {
  const attempt = <T>(what: string, action: () => Promise<T>) => get().app.attempt(what, action);
  return {
    clients: [],
    loaded: false,
    approvals: [],
    fresh: null,
    audit: [],
    auditFilter: {},
    refresh: async () => {
      const clients = await attempt('read the clients', () => call(api, 'access.list'));
      if (clients) patch('access', { clients, loaded: true });
    },
    add: async (name, profile) => {
      const made = await attempt(`add the client ${name}`, () => call(api, 'access.add', { name, profile }));
      if (!made) return false;
      patch('access', { fresh: made });
      await get().access.refresh();
      return true;
    },
    setProfile: async (name, profile) => {
      const saved = await attempt(`save the profile of ${name}`, () => call(api, 'access.setProfile', { name, profile }));
      if (!saved) return false;
      get().app.toast('info', `Saved the profile of ${name}: it applies from its next request`);
      await get().access.refresh();
      return true;
    },
    rotate: async (name) => {
      const rotated = await attempt(`rotate the token of ${name}`, () => call(api, 'access.rotate', { name }));
      if (rotated) patch('access', { fresh: rotated });
      await get().access.refresh();
    },
    revoke: async (name) => {
      if (await attempt(`revoke ${name}`, () => call(api, 'access.revoke', { name }))) get().app.toast('info', `Revoked ${name}: its token is refused from its next request`);
      await get().access.refresh();
    },
    remove: async (name) => {
      await attempt(`remove ${name}`, () => call(api, 'access.remove', { name }));
      await get().access.refresh();
    },
    dismissFresh: () => patch('access', { fresh: null }),
    setApprovals: (approvals) => patch('access', { approvals }),
    loadApprovals: async () => {
      const approvals = await attempt('read the calls waiting for approval', () => call(api, 'approvals.list'));
      if (approvals) patch('access', { approvals });
    },
    answer: async (id, answer) => {
      const result = await attempt('answer the approval', () => call(api, 'approvals.answer', { id, answer }));
      if (result && !result.answered) get().app.toast('info', 'That call no longer waits (it was answered elsewhere, timed out or cancelled)');
      // The list comes back with the approvals.changed event; drop this one now so the next shows at once.
      patch('access', (access) => ({ approvals: access.approvals.filter((approval) => approval.id !== id) }));
    },
    loadAudit: async (filter) => {
      const next = filter ?? get().access.auditFilter;
      const audit = await attempt('read the audit trail', () => call(api, 'audit.query', { ...next, limit: 1000 }));
      if (audit) patch('access', { audit, auditFilter: next });
    },
  };
}
