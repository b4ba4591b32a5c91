// @vitest-environment jsdom
// Markdown in tool results: rendered as elements, with a server's text never able to inject HTML or script.
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { looksLikeMarkdown, Markdown } from '../../renderer/components/markdown.tsx';

afterEach(cleanup);

const rendered = (text: string) => render(<Markdown text={text} />).container.querySelector('.markdown') as HTMLElement;

describe('Markdown in a result', () => {
  it('renders headings (under the page’s own), lists, code and emphasis', () => {
    const root = rendered('# Report\n\n- one\n- **two**\n\n```\nconst x = 1;\n```\n\nSee `npm test`.');
    expect(root.querySelector('h3')?.textContent).toBe('Report');
    expect([...root.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['one', 'two']);
    expect(root.querySelector('li strong')?.textContent).toBe('two');
    expect(root.querySelector('pre')?.textContent).toContain('const x = 1;');
    expect(root.querySelector('p code')?.textContent).toBe('npm test');
  });

  it('makes http(s) links open outside the window, also inside a heading, and leaves other schemes as text', () => {
    const root = rendered('## See [the docs](https://example.com/docs)\n\n[run me](javascript:alert(1)) and [file](file:///etc/passwd)');
    const link = root.querySelector('h4 a') as HTMLAnchorElement;
    expect(link.href).toBe('https://example.com/docs');
    expect(link.target).toBe('_blank');
    expect(link.rel).toContain('noopener');
    expect(root.querySelectorAll('a')).toHaveLength(1);
    expect(root.textContent).toContain('run me');
  });

  it('shows HTML in a server’s text as text, never as elements, and does not fetch remote images', () => {
    const root = rendered('Hello <img src=x onerror="alert(1)"> <script>alert(2)</script>\n\n![pixel](https://tracker.example/p.png)');
    expect(root.querySelector('script, img, [onerror]')).toBeNull();
    expect(root.textContent).toContain('pixel');
  });

  it('is chosen only for text that reads as Markdown', () => {
    expect(looksLikeMarkdown('# Title\ntext')).toBe(true);
    expect(looksLikeMarkdown('Echo: hello')).toBe(false);
  });
});
