export { CLIENT_IDS, DIALECTS, isClientId, type ClientDialect, type ClientId } from './dialects.ts';
export { clientTokenFor, exportConfig, GATEWAY_ENTRY_NAME, TOKEN_PLACEHOLDER, type ExportOptions, type ExportResult, type Launcher } from './export.ts';
export { importConfig, type ImportOptions, type ImportResult } from './import.ts';
export { installConfig, readInstalledEntry, type InstallOptions, type InstallResult } from './install.ts';
export { ClientFileError } from './jsonc.ts';
export { clientConfigPath, hostPlatform, type PlatformContext } from './paths.ts';
