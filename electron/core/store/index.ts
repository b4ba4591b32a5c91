export { Store, DataDirInUseError, openAccessStore, type StoreOptions } from './store.ts';
export { ClientRegistry, UnknownClientError, type TokenOwner } from './clients.ts';
export { AuditTrail, type NewAuditEntry } from './audit.ts';
export { LogBook, type NewLogEntry } from './logs.ts';
export { TraceBook, type NewMessage } from './traces.ts';
export { type Retention } from './retention.ts';
export { ProcessRegistry, type ProcessRecord } from './processes.ts';
