import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { contentSecurityPolicy } from '../../../shared/csp.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/** The headers every UI response carries: its own CSP (no inline script, no eval), no framing, no sniffing. */
export function securityHeaders(host: string | undefined): Record<string, string> {
  return {
    'content-security-policy': uiContentSecurityPolicy(host),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  };
}

/** The browser UI's CSP: the same rules as the desktop window's, plus the WebSocket back to this server. */
export function uiContentSecurityPolicy(host: string | undefined): string {
  return contentSecurityPolicy({ connectSrc: `'self'${host ? ` ws://${host}` : ''}`, formAction: "'self'" });
}

/**
 * Serves the renderer build (`dist/renderer`): `/` is index.html, other paths are files inside the folder and
 * nothing outside it. Hashed assets are cached for good; index.html never.
 */
export function serveStatic(root: string, request: http.IncomingMessage, response: http.ServerResponse, url: URL): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname);
  } catch {
    return false;
  }
  if (relative === '/' || relative === '/index.html') relative = '/index.html';
  const file = path.resolve(root, `.${relative}`);
  if (file !== root && !file.startsWith(root + path.sep)) return false;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    if (relative === '/index.html') {
      response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      response.end(`The UI is not built (no ${file}): run \`npm run build\`.\n`);
      return true;
    }
    return false;
  }
  if (!stat.isFile()) return false;
  const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  const immutable = relative.startsWith('/assets/');
  response.writeHead(200, {
    ...securityHeaders(request.headers.host),
    'content-type': type,
    'content-length': stat.size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (request.method === 'HEAD') response.end();
  else fs.createReadStream(file).pipe(response);
  return true;
}
