import { useEffect, useState } from 'react';
import { HealthReportSchema, type HealthReport } from '../shared/model.ts';

/** The window's first page: the servers and their states, from `/health`. The full UI builds on this. */
export function App() {
  const [report, setReport] = useState<HealthReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      try {
        const response = await fetch('/health');
        const parsed = HealthReportSchema.parse(await response.json());
        if (!cancelled) {
          setReport(parsed);
          setError(null);
        }
      } catch (reason) {
        if (!cancelled) setError(reason instanceof Error ? reason.message : String(reason));
      }
    };
    void load();
    const timer = setInterval(load, 2000);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, []);

  return (
    <main>
      <h1>MCP Switchboard</h1>
      {error && <p role="alert">Cannot reach Switchboard: {error}</p>}
      <table>
        <thead>
          <tr>
            <th>Server</th>
            <th>State</th>
            <th>Tools</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {report?.servers.map((server) => (
            <tr key={server.name} data-state={server.state}>
              <td>{server.name}</td>
              <td>{server.state}</td>
              <td>{server.tools}</td>
              <td>{server.lastError ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
