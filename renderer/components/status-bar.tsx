import { useMemo } from 'react';
import { estimateToolTokens } from '../../shared/contract.ts';
import { useApp } from '../store/index.ts';
import { CopyButton } from './common.tsx';

/** Endpoint, servers ready / total, tools exposed and what their definitions cost a client's context. */
export function StatusBar() {
  const connection = useApp((s) => s.app.connection);
  const endpoint = useApp((s) => s.app.info?.endpoint);
  const statuses = useApp((s) => s.servers.statuses);
  const tools = useApp((s) => s.catalog.catalog.tools);
  const tokens = useMemo(() => estimateToolTokens(tools), [tools]);
  const enabled = statuses.filter((status) => status.state !== 'disabled');
  const ready = enabled.filter((status) => status.state === 'ready').length;
  return (
    <footer className="statusbar" aria-label="Status">
      <span>
        <span className={`dot ${connection}`} aria-hidden="true" />
        {connection === 'online' ? 'connected' : connection}
      </span>
      {endpoint && (
        <span className="row">
          <span className="mono">{endpoint}</span>
          <CopyButton text={endpoint} />
        </span>
      )}
      <span data-testid="servers-ready">
        <strong>
          {ready}/{enabled.length}
        </strong>{' '}
        servers ready
      </span>
      <span>
        <strong>{tools.length}</strong> tools exposed
      </span>
      <span title="The JSON of every tool definition a client loads into its context, at about 4 characters a token">
        ≈ <strong>{tokens.toLocaleString()}</strong> tokens of tool definitions
      </span>
    </footer>
  );
}
