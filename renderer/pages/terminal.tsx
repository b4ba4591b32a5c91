import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { useApp } from '../store/index.ts';
import { terminalOutput, type TerminalTab } from '../store/terminals.ts';
import { useShallow } from 'zustand/react/shallow';

export function TerminalPage() {
  const tabs = useApp((s) => s.terminals.tabs);
  const active = useApp((s) => s.terminals.active);
  const { open, close, activate } = useApp(useShallow((s) => ({ open: s.terminals.open, close: s.terminals.close, activate: s.terminals.activate })));
  const servers = useApp((s) => s.servers.statuses);
  const config = useApp((s) => s.servers.config);
  const [server, setServer] = useState('');
  const commandServers = servers.filter((status) => config?.servers.find((entry) => entry.name === status.name)?.entry.command !== undefined);
  return (
    <>
      <div className="page-header">
        <h1>Terminal</h1>
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            void open(server || undefined);
          }}
        >
          <select aria-label="Open in" value={server} onChange={(event) => setServer(event.target.value)}>
            <option value="">Home folder</option>
            {commandServers.map((status) => (
              <option key={status.name} value={status.name}>
                {status.name}: its folder and environment
              </option>
            ))}
          </select>
          <button type="submit" className="primary">
            New terminal
          </button>
        </form>
        <span className="spacer" />
        <span className="muted">Terminals close with the window.</span>
      </div>
      {tabs.length > 0 && (
        <div className="terminal-tabs" role="tablist" aria-label="Terminals">
          {tabs.map((tab) => (
            <span key={tab.id} className="tab" role="tab" aria-selected={tab.id === active}>
              <button type="button" onClick={() => activate(tab.id)}>
                {tab.title}
                {tab.exitCode === -1 ? ' (closed: the connection dropped)' : tab.exitCode !== null ? ` (exited ${tab.exitCode})` : ''}
              </button>
              <button type="button" aria-label={`Close ${tab.title}`} onClick={() => void close(tab.id)}>
                ✕
              </button>
            </span>
          ))}
        </div>
      )}
      {tabs.length === 0 ? (
        <div className="page-body">
          <p className="muted">Open a terminal in a server’s folder with its environment to run its command by hand and see why it fails.</p>
        </div>
      ) : (
        tabs.map((tab) => <TerminalView key={tab.id} tab={tab} visible={tab.id === active} />)
      )}
    </>
  );
}

/** One xterm on one pty. Output comes from the bridge straight to it (not through the store). */
function TerminalView({ tab, visible }: { tab: TerminalTab; visible: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const fit = useRef<FitAddon | null>(null);
  const terminal = useRef<Terminal | null>(null);
  const { write, resize } = useApp(useShallow((s) => ({ write: s.terminals.write, resize: s.terminals.resize })));

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const xterm = new Terminal({ cursorBlink: true, fontSize: 13, scrollback: 5000, fontFamily: "ui-monospace, 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', monospace" });
    // Alt+1…6 switch pages, as everywhere in the window, instead of reaching the shell as Meta+digit.
    xterm.attachCustomKeyEventHandler((event) => !(event.altKey && !event.ctrlKey && !event.metaKey && /^[1-6]$/.test(event.key)));
    const fitAddon = new FitAddon();
    xterm.loadAddon(fitAddon);
    const styles = adoptInlineStyles(element);
    xterm.open(element);
    terminal.current = xterm;
    fit.current = fitAddon;
    if (tab.command) xterm.writeln(`\x1b[2m# ${tab.title}; the server's command: ${tab.command}\x1b[0m`);
    const detach = terminalOutput.attach(tab.id, (data) => xterm.write(data));
    const input = xterm.onData((data) => write(tab.id, data));
    const resized = xterm.onResize(({ cols, rows }) => resize(tab.id, cols, rows));
    const observer = new ResizeObserver(() => {
      if (element.offsetParent !== null) fitAddon.fit();
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      input.dispose();
      resized.dispose();
      detach();
      xterm.dispose();
      styles.dispose();
    };
  }, [tab.id, tab.command, tab.title, write, resize]);

  useEffect(() => {
    if (!visible) return;
    fit.current?.fit();
    terminal.current?.focus();
  }, [visible]);

  return (
    <div className="terminal-host" style={{ display: visible ? 'block' : 'none' }} data-terminal={tab.id}>
      <div ref={host} aria-label={`Terminal ${tab.title}`} />
    </div>
  );
}

/**
 * xterm's renderer styles its rows (colours, sizes, cursor) through <style> elements it writes at run time, which the
 * window's CSP (`style-src 'self'`) blocks: the text came out unreadable. Their text is applied instead through a
 * constructed stylesheet, which the CSP allows, and kept in step as xterm rewrites it (on resize, theme, font).
 */
export function adoptInlineStyles(root: HTMLElement): { dispose(): void } {
  const sheet = new CSSStyleSheet();
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  let applied = '';
  const sync = () => {
    const text = [...root.querySelectorAll('style')].map((style) => style.textContent ?? '').join('\n');
    if (text === applied) return;
    applied = text;
    sheet.replaceSync(text);
  };
  const observer = new MutationObserver(sync);
  observer.observe(root, { childList: true, subtree: true, characterData: true });
  return {
    dispose: () => {
      observer.disconnect();
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((each) => each !== sheet);
    },
  };
}
