import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { createBridge, SocketBridge } from './bridge/index.ts';
import { BridgeContext } from './components/bridge-context.tsx';
import { isPage, type Theme } from './store/app.ts';
import { createAppStore, refreshAll, StoreContext, wireEvents } from './store/index.ts';
import './styles.css';

const bridge = createBridge();
const hashPage = location.hash.replace(/^#\/?/, '');
let theme: Theme = 'system';
try {
  const stored = localStorage.getItem('switchboard.theme');
  if (stored === 'light' || stored === 'dark') theme = stored;
} catch {
  // No storage: the system's theme.
}
const store = createAppStore(bridge, {
  page: isPage(hashPage) ? hashPage : 'servers',
  theme,
  onToken: (token) => {
    if (bridge instanceof SocketBridge) void bridge.refreshCookie(token);
  },
});
wireEvents(bridge, store);
if (bridge.state === 'online') void refreshAll(store);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BridgeContext.Provider value={bridge}>
      <StoreContext.Provider value={store}>
        <App />
      </StoreContext.Provider>
    </BridgeContext.Provider>
  </StrictMode>,
);
