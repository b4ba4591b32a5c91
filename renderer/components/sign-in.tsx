import { useState } from 'react';
import type { SocketBridge } from '../bridge/index.ts';

/** Set when the address carried a token that is not this Switchboard's (the server redirected here saying so). */
const refusedLink = (() => {
  if (typeof location === 'undefined' || new URLSearchParams(location.search).get('signin') !== 'refused') return null;
  history.replaceState(null, '', `/${location.hash}`);
  return 'The token in that link is not this Switchboard\'s (it may have been regenerated since): open the UI: link serve printed this time, or paste the token.';
})();

/** Asked when the browser has no valid cookie: the token from `switchboard serve` (or the data dir's token file). */
export function SignIn({ bridge }: { bridge: SocketBridge }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(refusedLink);
  return (
    <main className="signin card stack">
      <h1>MCP Switchboard</h1>
      <p>
        Open the <code>UI:</code> link that <code>switchboard serve</code> printed, or paste the token (the <code>token</code> file in the data dir).
      </p>
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          void bridge.signIn(token.trim()).then(setError);
        }}
      >
        <label className="field">
          <span>Token</span>
          <input type="password" autoFocus autoComplete="off" value={token} onChange={(event) => setToken(event.target.value)} />
        </label>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <div>
          <button type="submit" className="primary" disabled={token.trim() === ''}>
            Sign in
          </button>
        </div>
      </form>
    </main>
  );
}
