/**
 * The renderer's Content-Security-Policy, one for both hosts: our own scripts and styles only (no inline
 * code, no eval), images and audio from the app or data: URLs (tool results carry them so), nothing framed.
 * Only the way back to the app differs: none in the desktop window (IPC), the server's WebSocket in a browser.
 */
export function contentSecurityPolicy(options: { connectSrc: string; formAction: string }): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self' data:",
    "font-src 'self'",
    `connect-src ${options.connectSrc}`,
    "object-src 'none'",
    "base-uri 'none'",
    `form-action ${options.formAction}`,
    "frame-ancestors 'none'",
  ].join('; ');
}
