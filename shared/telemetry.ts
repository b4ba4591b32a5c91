/** OTLP export of traces as the window sets it (the environment's OTEL_EXPORTER_OTLP_* variables win). */
export interface OtlpExportSettings {
  enabled: boolean;
  /** The collector's OTLP/HTTP traces URL, e.g. `http://collector:4318/v1/traces`. */
  endpoint: string;
  /** Names of the headers sent with each batch; their values are in the keychain, never in the store or the UI. */
  headerNames?: string[];
}

/** What export is doing now, for the window and `switchboard status`. */
export interface OtlpExportStatus {
  /** `env`: set by OTEL_EXPORTER_OTLP_* (the window cannot change it); `window`: the window's setting. */
  source: 'env' | 'window';
  enabled: boolean;
  endpoint: string | null;
  /** Spans the collector accepted, and spans in batches it did not, since the start. */
  exported: number;
  failed: number;
  lastError: string | null;
  /** SWITCHBOARD_TELEMETRY=off: nothing is traced or exported. */
  off?: boolean;
}
