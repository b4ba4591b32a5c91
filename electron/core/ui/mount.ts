import { ApiService } from '../api/index.ts';
import type { Launcher } from '../clients/index.ts';
import type { Disposable } from '../base/lifecycle.ts';
import type { HttpServer } from '../http/http-server.ts';
import type { Switchboard } from '../switchboard.ts';
import { storeNewToken } from './token.ts';
import { WebUi } from './web-ui.ts';

export interface MountOptions {
  dataDir: string;
  /** The token the endpoint was started with. */
  token: string;
  /** It came from SWITCHBOARD_TOKEN (the window cannot regenerate it). */
  tokenFromEnv: boolean;
  /** The renderer build (`dist/renderer`). */
  rendererDir: string;
  /** How clients run the `switchboard` command. */
  launcher: Launcher;
}

/** The API and the web UI on an HTTP server; dispose before closing the server (it closes the UI's sockets). */
export function mountWebUi(app: Switchboard, http: HttpServer, options: MountOptions): { ui: WebUi; api: ApiService } & Disposable {
  let token = options.token;
  const api = new ApiService(app, {
    endpoint: () => `${http.baseUrl}/mcp`,
    token: () => token,
    regenerateToken: () => {
      token = storeNewToken(options.dataDir);
      http.mcp.setToken(token);
      return token;
    },
    tokenFromEnv: options.tokenFromEnv,
    launcher: options.launcher,
  });
  const ui = new WebUi(http, api, { rendererDir: options.rendererDir, token: () => token });
  return {
    ui,
    api,
    dispose: () => {
      ui.dispose();
      api.dispose();
    },
  };
}
