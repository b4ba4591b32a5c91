import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, externalLinkDecision, isOwnMainFrame, withContentSecurityPolicy } from '../../../electron/main/security.ts';

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
}

describe('the window Content-Security-Policy', () => {
  const policy = directives(CONTENT_SECURITY_POLICY);

  it('denies everything not named, so a new kind of resource is blocked until someone allows it', () => {
    expect(policy.get('default-src')).toEqual(["'none'"]);
  });

  it('runs only our own script files: no inline script, no eval, no remote script', () => {
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
  });

  it('shows images and plays audio of tool results from data: URLs, and nothing remote', () => {
    expect(policy.get('img-src')).toEqual(["'self'", 'data:']);
    expect(policy.get('media-src')).toEqual(["'self'", 'data:']);
  });

  it('gives the page no network: it talks to the app over IPC only', () => {
    expect(policy.get('connect-src')).toEqual(["'none'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
  });

  it('replaces a policy a response brought (whatever the header case) and keeps the other headers', () => {
    const headers = withContentSecurityPolicy({ 'content-security-policy': ["script-src 'unsafe-inline'"], 'Content-Type': ['text/html'] });
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    expect(withContentSecurityPolicy(undefined)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });
});

describe('externalLinkDecision', () => {
  it('sends https links to the browser', () => {
    expect(externalLinkDecision('https://modelcontextprotocol.io/docs')).toBe('open-in-browser');
  });

  it('opens nothing else: plain http, files, scripts, custom schemes or garbage', () => {
    for (const url of ['http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'vscode://open', 'smb://host/share', 'not a url', '']) {
      expect(externalLinkDecision(url), url).toBe('deny');
    }
  });
});

describe('isOwnMainFrame', () => {
  const renderer = pathToFileURL('/opt/MCP Switchboard/resources/app.asar/dist/renderer/index.html').href;

  it('accepts the top frame of our page, whatever its route', () => {
    expect(isOwnMainFrame({ url: renderer, parent: null }, renderer)).toBe(true);
    expect(isOwnMainFrame({ url: `${renderer}#/servers/github`, parent: null }, renderer)).toBe(true);
    expect(isOwnMainFrame({ url: `${renderer}?tab=logs`, parent: null }, renderer)).toBe(true);
  });

  it('refuses an iframe, even one showing our page', () => {
    expect(isOwnMainFrame({ url: renderer, parent: { url: renderer } }, renderer)).toBe(false);
  });

  it('refuses any other page, a look-alike path, or a frame that is gone', () => {
    expect(isOwnMainFrame({ url: 'https://evil.example/index.html', parent: null }, renderer)).toBe(false);
    expect(isOwnMainFrame({ url: pathToFileURL('/tmp/dist/renderer/index.html').href, parent: null }, renderer)).toBe(false);
    expect(isOwnMainFrame({ url: `${renderer}.html`, parent: null }, renderer)).toBe(false);
    expect(isOwnMainFrame({ url: 'about:blank', parent: null }, renderer)).toBe(false);
    expect(isOwnMainFrame(null, renderer)).toBe(false);
  });
});
