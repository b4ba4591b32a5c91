import { useState } from 'react';
import type { FleetRow, FleetView, OtlpExportView } from '../../shared/contract.ts';
import { Badge } from '../components/common.tsx';
import { Sparkline } from '../components/sparkline.tsx';
import { call } from '../store/call.ts';
import { usePolled } from '../components/use-polled.ts';
import { useBridge } from '../components/bridge-context.tsx';

const WINDOWS = [
  [60, '1 minute'],
  [300, '5 minutes'],
  [900, '15 minutes'],
  [3600, '1 hour'],
] as const;

const rate = (row: FleetRow) => (row.callsPerSecond >= 10 ? row.callsPerSecond.toFixed(0) : row.callsPerSecond.toFixed(2));
const percent = (value: number) => `${(value * 100).toFixed(value > 0 && value < 0.01 ? 2 : 1)} %`;
const ms = (value: number | null) => (value === null ? '—' : value < 1 ? `≤ ${value} ms` : `≤ ${value >= 1000 ? `${value / 1000} s` : `${value} ms`}`);

/**
 * The fleet at a glance: the KPIs over a chosen window (throughput, p95, error rate, availability), every server with
 * its state, calls/s, error rate, p50/p95, last error and a sparkline, and every tool called, the same. Read every
 * few seconds from the core's 10-second slots of the last hour (Prometheus at /metrics keeps the long history).
 */
export function MetricsPage() {
  const bridge = useBridge();
  const [windowSeconds, setWindowSeconds] = useState(300);
  const [view] = usePolled<FleetView>('read the metrics', () => call(bridge, 'metrics.fleet', { windowSeconds }), 3000, [bridge, windowSeconds]);

  const up = view?.servers.filter((server) => server.availability !== null) ?? [];
  const availability = up.length === 0 ? null : up.reduce((sum, server) => sum + server.availability!, 0) / up.length;
  return (
    <>
      <div className="page-header">
        <h1>Metrics</h1>
        <select aria-label="Window" value={windowSeconds} onChange={(event) => setWindowSeconds(Number(event.target.value))}>
          {WINDOWS.map(([seconds, label]) => (
            <option key={seconds} value={seconds}>
              Last {label}
            </option>
          ))}
        </select>
        <span className="spacer" />
        <span className="muted">Prometheus: /metrics</span>
      </div>
      <div className="page-body stack" style={{ overflow: 'auto' }}>
        {view && (
          <section className="row wrap" aria-label="KPIs">
            <Kpi label="Throughput" value={`${rate(view.totals)} calls/s`} testId="kpi-throughput" detail={`${view.totals.calls} calls`} />
            <Kpi label="p95" value={ms(view.totals.p95)} testId="kpi-p95" />
            <Kpi label="Error rate" value={percent(view.totals.errorRate)} testId="kpi-errors" />
            <Kpi label="Availability" value={availability === null ? '—' : percent(availability)} testId="kpi-availability" detail="servers ready, averaged" />
            <Sparkline series={view.totals.series} slotSeconds={view.slotSeconds} label="All calls over the window" width={240} height={48} />
          </section>
        )}
        <section aria-label="Servers">
          <h2>Servers</h2>
          <table className="grid" aria-label="Servers' metrics">
            <thead>
              <tr>
                <th>Server</th>
                <th>State</th>
                <th>Calls</th>
                <th>Calls/s</th>
                <th>Errors</th>
                <th>p50</th>
                <th>p95</th>
                <th>Available</th>
                <th>Over the window</th>
                <th>Last error</th>
              </tr>
            </thead>
            <tbody>
              {view?.servers.map((server) => (
                <tr key={server.name} data-metrics-server={server.name} data-calls={server.calls}>
                  <td>{server.name}</td>
                  <td>
                    <Badge kind={server.state} />
                  </td>
                  <td>{server.calls}</td>
                  <td>{rate(server)}</td>
                  <td>{percent(server.errorRate)}</td>
                  <td>{ms(server.p50)}</td>
                  <td>{ms(server.p95)}</td>
                  <td>{server.availability === null ? '—' : percent(server.availability)}</td>
                  <td>
                    <Sparkline series={server.series} slotSeconds={view.slotSeconds} label={`Calls of ${server.name} over the window`} />
                  </td>
                  <td className="ellipsis" style={{ maxWidth: 280 }} title={server.lastError ?? undefined}>
                    {server.lastError ?? ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section aria-label="Tools">
          <h2>Tools</h2>
          {view && view.tools.length === 0 && <p className="muted">No tool was called in this window.</p>}
          {view && view.tools.length > 0 && (
            <table className="grid" aria-label="Tools' metrics">
              <thead>
                <tr>
                  <th>Tool</th>
                  <th>Server</th>
                  <th>Calls</th>
                  <th>Calls/s</th>
                  <th>Errors</th>
                  <th>p50</th>
                  <th>p95</th>
                  <th>Over the window</th>
                </tr>
              </thead>
              <tbody>
                {view.tools.map((tool) => (
                  <tr key={`${tool.server}/${tool.name}`} data-metrics-tool={`${tool.server}/${tool.name}`} data-calls={tool.calls}>
                    <td className="mono">{tool.name}</td>
                    <td>{tool.server}</td>
                    <td>{tool.calls}</td>
                    <td>{rate(tool)}</td>
                    <td>{percent(tool.errorRate)}</td>
                    <td>{ms(tool.p50)}</td>
                    <td>{ms(tool.p95)}</td>
                    <td>
                      <Sparkline series={tool.series} slotSeconds={view.slotSeconds} label={`Calls of ${tool.name} over the window`} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <TraceExport />
      </div>
    </>
  );
}

/**
 * Where traces go besides this window: an OpenTelemetry collector over OTLP/HTTP. Header values (a collector's key)
 * are written once and kept in the keychain; only their names come back. Set by OTEL_EXPORTER_OTLP_* instead, the
 * section says so and cannot change it.
 */
function TraceExport() {
  const bridge = useBridge();
  const [view, setView] = usePolled<OtlpExportView>('read the trace export', () => call(bridge, 'telemetry.otlp'), 5000, [bridge]);
  const [endpoint, setEndpoint] = useState<string | null>(null);
  const [headers, setHeaders] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  // The field starts from what is set, and is the person's from their first keystroke.
  const shownEndpoint = endpoint ?? view?.settings?.endpoint ?? view?.endpoint ?? '';
  if (!view) return null;
  const fromEnv = view.source === 'env';
  const apply = async (enabled: boolean) => {
    setProblem(null);
    const parsed = parseHeaders(headers);
    if (typeof parsed === 'string') return setProblem(parsed);
    try {
      const next = await call(bridge, 'telemetry.setOtlp', { enabled, endpoint: shownEndpoint.trim(), ...(parsed ? { headers: parsed } : {}) });
      setView(next);
      setHeaders('');
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <section aria-label="Trace export" className="stack">
      <h2>Export traces (OpenTelemetry)</h2>
      {view.off ? (
        <p className="muted">Tracing is off (SWITCHBOARD_TELEMETRY=off): nothing is traced or exported.</p>
      ) : (
        <>
          <p className="muted">
            {fromEnv
              ? `Set by OTEL_EXPORTER_OTLP_* in Switchboard's environment: change it there.`
              : 'Every traced request also goes to an OpenTelemetry collector over OTLP/HTTP (protobuf). Off unless you turn it on.'}
          </p>
          <form
            className="row wrap"
            onSubmit={(event) => {
              event.preventDefault();
              void apply(true);
            }}
          >
            <label className="stack" style={{ flex: 2, minWidth: 280 }}>
              Collector URL
              <input value={shownEndpoint} disabled={fromEnv} placeholder="http://localhost:4318/v1/traces" onChange={(event) => setEndpoint(event.target.value)} />
            </label>
            <label className="stack" style={{ flex: 1, minWidth: 200 }}>
              Headers <span className="muted">{view.settings?.headerNames?.length ? `kept: ${view.settings.headerNames.join(', ')}` : 'name=value, comma separated'}</span>
              <input type="password" value={headers} disabled={fromEnv} placeholder="x-api-key=…" autoComplete="off" onChange={(event) => setHeaders(event.target.value)} />
            </label>
            {!fromEnv && (
              <div className="row" style={{ alignSelf: 'flex-end' }}>
                <button type="submit">{view.enabled ? 'Save' : 'Export'}</button>
                {view.enabled && (
                  <button type="button" onClick={() => void apply(false)}>
                    Stop exporting
                  </button>
                )}
              </div>
            )}
          </form>
          {problem && <p className="error-text">{problem}</p>}
          <p data-testid="otlp-status" className={view.lastError ? 'error-text' : 'muted'}>
            {view.enabled ? `Exporting to ${view.endpoint}: ${view.exported} spans sent${view.failed ? `, ${view.failed} not accepted` : ''}.` : 'Not exporting.'}
            {view.lastError ? ` Last error: ${view.lastError}` : ''}
          </p>
        </>
      )}
    </section>
  );
}

/** `a=1, b=2` as headers; empty: none given (the kept ones stay); a string: what is wrong. */
function parseHeaders(text: string): Record<string, string> | undefined | string {
  if (text.trim() === '') return undefined;
  const headers: Record<string, string> = {};
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    const name = part.slice(0, at).trim();
    if (at <= 0 || !/^[A-Za-z0-9-]+$/.test(name)) return `"${part.trim()}" is not a header: write name=value, comma separated.`;
    headers[name] = part.slice(at + 1).trim();
  }
  return headers;
}

function Kpi({ label, value, detail, testId }: { label: string; value: string; detail?: string; testId: string }) {
  return (
    <div className="card" style={{ minWidth: 150 }}>
      <div className="muted">{label}</div>
      <div style={{ fontSize: '1.4em', fontWeight: 600 }} data-testid={testId}>
        {value}
      </div>
      {detail && <div className="muted">{detail}</div>}
    </div>
  );
}
