import { contentSecurityPolicy } from '../../shared/csp.ts';

/**
 * What the window may do, as plain data and predicates: its Content-Security-Policy, which links leave
 * the app, and which frames may call main. main.ts wires them to Electron.
 */

/**
 * The window's CSP: our own scripts and styles only (no inline code, no eval), images from the app or
 * data: URLs, and no network at all: the window talks to the app over IPC.
 */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy({ connectSrc: "'none'", formAction: "'none'" });

/** Response headers with our CSP in place of any the response brought (header names are case-insensitive). */
export function withContentSecurityPolicy(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') result[name] = value;
  }
  result['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return result;
}

/** Links never open inside the app; https ones open in the person's browser, anything else goes nowhere. */
export function externalLinkDecision(url: string): 'open-in-browser' | 'deny' {
  try {
    return new URL(url).protocol === 'https:' ? 'open-in-browser' : 'deny';
  } catch {
    return 'deny';
  }
}

/** The part of Electron's WebFrameMain the sender check reads. */
export interface FrameLike {
  readonly url: string;
  readonly parent: unknown;
}

/**
 * True when an IPC message comes from the top frame of our own page (not an iframe, not a page the
 * window was somehow navigated to). Query and hash are ignored: the UI may route with them.
 */
export function isOwnMainFrame(frame: FrameLike | null | undefined, rendererUrl: string): boolean {
  if (!frame || frame.parent !== null) return false;
  try {
    return withoutQueryAndHash(frame.url) === withoutQueryAndHash(rendererUrl);
  } catch {
    return false;
  }
}

function withoutQueryAndHash(url: string): string {
  const parsed = new URL(url);
  parsed.search = '';
  parsed.hash = '';
  return parsed.href;
}
