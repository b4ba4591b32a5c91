export { ConfigFile, setServerEntry, removeServerEntry } from './file.ts';
export { ConfigError, parseConfig, type ConfigDocument } from './parse.ts';
export { diffConfigs, isEmptyDiff, type ConfigDiff } from './diff.ts';
export { ServerEntrySchema, type ServerConfig, type RestartConfig } from './schema.ts';
