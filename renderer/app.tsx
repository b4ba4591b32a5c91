import { useEffect } from 'react';
import { ServerDialogs } from './components/server-dialogs.tsx';
import { SignIn } from './components/sign-in.tsx';
import { StatusBar } from './components/status-bar.tsx';
import { Toasts } from './components/toasts.tsx';
import { useBridge } from './components/bridge-context.tsx';
import { SocketBridge } from './bridge/index.ts';
import { ApprovalDialog } from './components/approval-dialog.tsx';
import { AuditPage } from './pages/audit.tsx';
import { ClientsPage } from './pages/clients.tsx';
import { LogsPage } from './pages/logs.tsx';
import { MetricsPage } from './pages/metrics.tsx';
import { PlaygroundPage } from './pages/playground.tsx';
import { ServersPage } from './pages/servers.tsx';
import { TerminalPage } from './pages/terminal.tsx';
import { TracesPage } from './pages/traces.tsx';
import { isPage, PAGES, type Page, type Theme } from './store/app.ts';
import { useApp } from './store/index.ts';

const LABELS: Record<Page, string> = { servers: 'Servers', playground: 'Playground', logs: 'Logs', traces: 'Traces', metrics: 'Metrics', clients: 'Clients', audit: 'Audit', terminal: 'Terminal' };

/** The window: navigation, the current page, the status bar, and the dialogs servers ask for. */
export function App() {
  const bridge = useBridge();
  const connection = useApp((s) => s.app.connection);
  const page = useApp((s) => s.app.page);
  const navigate = useApp((s) => s.app.navigate);
  const theme = useApp((s) => s.app.theme);
  const setTheme = useApp((s) => s.app.setTheme);
  const version = useApp((s) => s.app.info?.version);

  useEffect(() => {
    if (location.hash !== `#/${page}`) history.replaceState(null, '', `#/${page}`);
  }, [page]);
  useEffect(() => {
    const onHash = () => {
      const next = location.hash.replace(/^#\/?/, '');
      if (isPage(next)) navigate(next);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [navigate]);
  useEffect(() => {
    // One dark palette in the CSS (data-theme='dark'): 'system' is resolved here and follows the system's changes.
    const system = window.matchMedia?.('(prefers-color-scheme: dark)');
    const apply = () => {
      document.documentElement.dataset.theme = theme === 'system' ? (system?.matches ? 'dark' : 'light') : theme;
    };
    apply();
    if (theme === 'system') system?.addEventListener('change', apply);
    try {
      localStorage.setItem('switchboard.theme', theme);
    } catch {
      // Storage is off: the theme lasts this session.
    }
    return () => system?.removeEventListener('change', apply);
  }, [theme]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey && !event.ctrlKey && !event.metaKey && /^[1-8]$/.test(event.key)) {
        event.preventDefault();
        navigate(PAGES[Number(event.key) - 1]!);
        return;
      }
      const target = event.target as HTMLElement;
      const typing = target.closest('input, textarea, select, [contenteditable], .xterm');
      if (event.key === '/' && !typing) {
        const search = document.querySelector<HTMLInputElement>('[data-search]');
        if (search) {
          event.preventDefault();
          search.focus();
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate]);

  if (connection === 'signed-out' && bridge instanceof SocketBridge) return <SignIn bridge={bridge} />;

  return (
    <div className="app" data-ready={connection === 'online' ? 'true' : 'false'}>
      <nav className="sidebar" aria-label="Pages">
        <div className="brand">
          MCP Switchboard
          <small>{version ? `v${version}` : ''}</small>
        </div>
        {PAGES.map((item, index) => (
          <button key={item} type="button" className="nav-button" aria-current={item === page ? 'page' : undefined} onClick={() => navigate(item)} title={`Alt+${index + 1}`}>
            <span>{LABELS[item]}</span>
            <kbd>Alt {index + 1}</kbd>
          </button>
        ))}
        <span className="spacer" />
        <label className="field" style={{ padding: '0 8px' }}>
          <span className="muted">Theme</span>
          <select value={theme} onChange={(event) => setTheme(event.target.value as Theme)} aria-label="Theme">
            <option value="system">System</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
      </nav>
      <main className="page" aria-label={LABELS[page]} data-page={page}>
        {connection !== 'online' && (
          <div className="banner error" role="status" style={{ margin: 8 }}>
            {connection === 'connecting' ? 'Connecting to Switchboard…' : 'The connection to Switchboard was lost; reconnecting…'}
          </div>
        )}
        {page === 'servers' && <ServersPage />}
        {page === 'playground' && <PlaygroundPage />}
        {page === 'logs' && <LogsPage />}
        {page === 'traces' && <TracesPage />}
        {page === 'metrics' && <MetricsPage />}
        {page === 'clients' && <ClientsPage />}
        {page === 'audit' && <AuditPage />}
        {/* Terminals stay mounted (hidden) so their output and scrollback survive a page switch. */}
        <div style={{ display: page === 'terminal' ? 'contents' : 'none' }}>
          <TerminalPage />
        </div>
      </main>
      <StatusBar />
      <ServerDialogs />
      <ApprovalDialog />
      <Toasts />
    </div>
  );
}
