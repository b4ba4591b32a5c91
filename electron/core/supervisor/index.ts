export { Supervisor, ShuttingDownError, UnknownServerError, type CatalogChange } from './supervisor.ts';
export { ManagedServer, EMPTY_CATALOG, type Catalog, type ServerHost, type LaunchEnvironment } from './managed-server.ts';
export { RestartPolicy, type RestartDecision } from './restart-policy.ts';
export { resolveLoginShellPath, mergePathLists, type HostVariables } from './launch.ts';
