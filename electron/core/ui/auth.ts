import crypto from 'node:crypto';
import type http from 'node:http';

/**
 * The UI's sign-in, as Jupyter does it: the token travels once, in the URL `serve` prints (or typed into the UI),
 * and is exchanged for an http-only, SameSite=Strict cookie. The cookie holds a value derived from the token,
 * not the token itself, and stops working when the token is regenerated.
 */
export class UiAuth {
  constructor(
    private readonly token: () => string,
    /** Cookies are not separated by port: each Switchboard on this host gets its own name. */
    private readonly port: () => number,
  ) {}

  get cookieName(): string {
    return `switchboard-ui-${this.port()}`;
  }

  /** True when `given` is the token (timing-safe). */
  isToken(given: string): boolean {
    return safeEqual(given, this.token());
  }

  /** True when the request carries our current cookie. */
  isSignedIn(request: http.IncomingMessage): boolean {
    const value = parseCookies(request.headers.cookie)[this.cookieName];
    return value !== undefined && safeEqual(value, this.cookieValue());
  }

  /** The Set-Cookie header that signs a browser in. */
  signInCookie(): string {
    return `${this.cookieName}=${this.cookieValue()}; HttpOnly; SameSite=Strict; Path=/`;
  }

  private cookieValue(): string {
    return crypto.createHmac('sha256', this.token()).update('switchboard-ui-cookie').digest('base64url');
  }
}

/** Same-origin requests only: the Origin names this server (the Host is already checked). */
export function isSameOrigin(request: http.IncomingMessage): boolean {
  const origin = request.headers.origin;
  const host = request.headers.host;
  if (origin === undefined || host === undefined) return false;
  try {
    const parsed = new URL(origin);
    return parsed.protocol === 'http:' && parsed.host === host.toLowerCase();
  } catch {
    return false;
  }
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index <= 0) continue;
    cookies[part.slice(0, index).trim()] = part.slice(index + 1).trim();
  }
  return cookies;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}
