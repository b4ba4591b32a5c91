import { useEffect, useState } from 'react';
import { useBridge } from '../components/bridge-context.tsx';
import { formatTime, JsonView, moveFocusInList, ServerFilter } from '../components/common.tsx';
import { usePolled } from '../components/use-polled.ts';
import { call } from '../store/call.ts';
import { useApp } from '../store/index.ts';

/**
 * Everything the servers sent of their own accord (progress, log messages, list and resource changes), newest
 * last, as the MCP Inspector's notifications pane shows it; read from the recorded messages every 2 s.
 */
export function NotificationsTab() {
  const bridge = useBridge();
  const attempt = useApp((s) => s.app.attempt);
  const servers = useApp((s) => s.servers.statuses);
  const [server, setServer] = useState<string | undefined>(undefined);
  const [selected, setSelected] = useState<number | null>(null);
  const [body, setBody] = useState<string | null>(null);
  const [page] = usePolled('read the notifications', () => call(bridge, 'logs.query', { filter: { source: 'rpc', notifications: true, ...(server ? { server } : {}) }, limit: 500 }), 2000, [bridge, server]);
  const items = page?.items ?? [];
  useEffect(() => {
    setBody(null);
    if (selected === null) return;
    void attempt('read the notification', () => call(bridge, 'logs.message', { id: selected })).then((message) => message && setBody(message.body));
  }, [bridge, attempt, selected]);
  return (
    <div className="split">
      <div className="list-pane">
        <div className="filters row">
          <ServerFilter names={servers.map((status) => status.name)} value={server} onChange={setServer} />
          <span className="muted grow">{items.length} notifications</span>
        </div>
        <ul aria-label="Notifications" role="listbox" onKeyDown={moveFocusInList}>
          {items.map((item) =>
            item.kind === 'rpc' ? (
              <li key={item.id}>
                <button type="button" role="option" aria-selected={selected === item.id} data-notification={item.method} onClick={() => setSelected(item.id)}>
                  <span className="item-name">
                    <span className="ellipsis mono">{item.method}</span>
                  </span>
                  <span className="item-desc">
                    {formatTime(item.time)} · {item.server} · {item.preview}
                  </span>
                </button>
              </li>
            ) : null,
          )}
          {items.length === 0 && <li className="muted" style={{ padding: 10 }}>No notifications yet: a server sends them while it works (progress, log messages) or when its lists change.</li>}
        </ul>
      </div>
      <div className="detail-pane">{body ? <JsonView value={parsedOrText(body)} label="Notification" /> : <p className="muted">Pick a notification to see it whole.</p>}</div>
    </div>
  );
}

/** A recorded body as JSON, or as the text it is (a placeholder for what could not be kept). */
function parsedOrText(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}
