export { Store, DataDirInUseError, type StoreOptions } from './store.ts';
export { LogBook, type NewLogEntry } from './logs.ts';
export { TraceBook, type NewMessage } from './traces.ts';
export { type Retention } from './retention.ts';
export { ProcessRegistry, type ProcessRecord } from './processes.ts';
