export { Store, DataDirInUseError, type StoreOptions } from './store.ts';
export { LogBook, type NewLogEntry, type LogRetention } from './logs.ts';
export { ProcessRegistry, type ProcessRecord } from './processes.ts';
