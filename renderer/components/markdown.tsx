import { Markdown as MarkdownToJsx, type MarkdownToJSX } from 'markdown-to-jsx/react';
import type { AnchorHTMLAttributes, ImgHTMLAttributes, ReactNode } from 'react';

/** A link opens in the system browser, and only over http(s); anything else stays text. */
function ExternalLink({ href, children, title }: AnchorHTMLAttributes<HTMLAnchorElement> & { children?: ReactNode }) {
  if (!href || !/^https?:\/\//i.test(href)) return <span>{children}</span>;
  return (
    <a href={href} title={title} target="_blank" rel="noreferrer noopener">
      {children}
    </a>
  );
}

/** A tool result's remote image is not fetched (it could track the person); its text and address are shown. */
function ImageReference({ alt, src }: ImgHTMLAttributes<HTMLImageElement>) {
  return <span className="muted">[image{alt ? `: ${alt}` : ''}{typeof src === 'string' && src ? ` (${src})` : ''}]</span>;
}

/** Headings two levels down: a result's `#` sits under the page's own h2. */
const heading = (level: number) => ({ component: `h${Math.min(6, level + 2)}` as 'h3' });

const OPTIONS: MarkdownToJSX.Options = {
  // A server's text is data: HTML in it is shown as text, never made into elements.
  disableParsingRawHTML: true,
  forceBlock: true,
  forceWrapper: true,
  wrapper: 'div',
  overrides: { a: { component: ExternalLink }, img: { component: ImageReference }, h1: heading(1), h2: heading(2), h3: heading(3), h4: heading(4), h5: heading(5), h6: heading(6) },
};

/** Markdown in tool results and resources, rendered by markdown-to-jsx (already in the bundle through @rjsf). */
export function Markdown({ text }: { text: string }) {
  return (
    <MarkdownToJsx className="markdown" options={OPTIONS}>
      {text}
    </MarkdownToJsx>
  );
}

/** True when text reads as Markdown rather than plain text. */
export function looksLikeMarkdown(text: string): boolean {
  return /(^|\n)(#{1,6}\s|```|\s*[-*]\s+\S)|\*\*[^*]+\*\*|\[[^\]]+\]\([^)]+\)/.test(text);
}
