import { useState } from 'react';
import { toJsonRpcCall, type ContentBlock, type JsonObject, type ResourceContents, type ToolCallOutcome } from '../../shared/contract.ts';
import { useBridge } from '../components/bridge-context.tsx';
import { Badge, CopyButton, formatDuration, JsonView } from '../components/common.tsx';
import { looksLikeMarkdown, Markdown } from '../components/markdown.tsx';
import { useApp } from '../store/index.ts';
import { call } from '../store/call.ts';
import type { Run } from '../store/playground.ts';

/** A tool result as a person reads it: every content block rendered, structured content checked, the call's facts. */
export function ResultView({ run, args }: { run: Run; args: JsonObject }) {
  const navigate = useApp((s) => s.app.navigate);
  const selectTrace = useApp((s) => s.traces.select);
  const { outcome, error } = run;
  if (run.running) return null;
  if (error) {
    return (
      <div className="result-block" role="status" aria-label="Result">
        <Badge kind="error" /> <span className="error-text">{error.message}</span>
      </div>
    );
  }
  if (!outcome) return null;
  return (
    <section aria-label="Result" className="stack" data-status={outcome.status}>
      <div className="row wrap">
        <Badge kind={outcome.status}>{statusLabel(outcome.status)}</Badge>
        <span className="muted">{formatDuration(outcome.durationMs)}</span>
        {outcome.server && <span className="muted">on {outcome.server}</span>}
        <span className="spacer" />
        <CopyButton text={() => toJsonRpcCall(outcome.tool, args)} label="Copy as JSON-RPC" />
        {outcome.result && <CopyButton text={() => JSON.stringify(outcome.result, null, 2)} label="Copy result" />}
        {outcome.traceId && (
          <button
            type="button"
            className="small"
            onClick={() => {
              void selectTrace(outcome.traceId);
              navigate('traces');
            }}
          >
            Open trace
          </button>
        )}
      </div>
      {outcome.error && <p className="error-text">{outcome.error}</p>}
      {outcome.result && <ToolResultView outcome={outcome} />}
    </section>
  );
}

function statusLabel(status: ToolCallOutcome['status']): string {
  return { ok: 'OK', 'tool-error': 'Tool error (isError)', error: 'Error', cancelled: 'Cancelled' }[status];
}

function ToolResultView({ outcome }: { outcome: ToolCallOutcome }) {
  const result = outcome.result!;
  return (
    <div className="stack">
      {result.content.map((block, index) => (
        <ContentView key={index} block={block} />
      ))}
      {result.structuredContent !== undefined && (
        <div className="result-block">
          <div className="row" style={{ marginBottom: 6 }}>
            <strong>structuredContent</strong>
            {outcome.structuredCheck?.valid === true && <Badge kind="ok">matches the output schema</Badge>}
            {outcome.structuredCheck?.valid === false && <Badge kind="error">does not match the output schema</Badge>}
          </div>
          {outcome.structuredCheck?.valid === false && <p className="error-text">{outcome.structuredCheck.message}</p>}
          <JsonView value={result.structuredContent} label="structuredContent" />
        </div>
      )}
      {result.structuredContent === undefined && outcome.structuredCheck?.valid === false && <p className="error-text">{outcome.structuredCheck.message}</p>}
    </div>
  );
}

/** One content block, with its annotations (who it is for, its priority) when the server gave any. */
export function ContentView({ block }: { block: ContentBlock }) {
  const annotations = (block as { annotations?: { audience?: string[]; priority?: number; lastModified?: string } }).annotations;
  if (!annotations || (annotations.audience === undefined && annotations.priority === undefined && annotations.lastModified === undefined)) return <ContentBody block={block} />;
  return (
    <div data-annotated="true">
      <div className="row wrap muted" aria-label="Annotations" style={{ fontSize: '0.85em' }}>
        {annotations.audience && <span className="badge">for {annotations.audience.join(' and ')}</span>}
        {annotations.priority !== undefined && <span className="badge">priority {annotations.priority}</span>}
        {annotations.lastModified && <span className="badge">modified {annotations.lastModified}</span>}
      </div>
      <ContentBody block={block} />
    </div>
  );
}

/** A picture at its size, or enlarged to the pane on a click (a 20×20 icon is unreadable as it is). */
function ImageView({ src, alt }: { src: string; alt: string }) {
  const [large, setLarge] = useState(false);
  return (
    <button type="button" className="image-button" aria-pressed={large} aria-label={`${alt}: ${large ? 'show at its own size' : 'enlarge'}`} onClick={() => setLarge(!large)}>
      <img alt={alt} src={src} className={large ? 'enlarged' : undefined} />
    </button>
  );
}

/** One content block: text (JSON and Markdown recognised), image, audio, embedded resource, resource link. */
function ContentBody({ block }: { block: ContentBlock }) {
  switch (block.type) {
    case 'text':
      return (
        <div className="result-block" data-content="text">
          <TextView text={block.text} />
        </div>
      );
    case 'image':
      return (
        <div className="result-block" data-content="image">
          <ImageView alt="Image result" src={`data:${block.mimeType};base64,${block.data}`} />
          <div className="muted">{block.mimeType} · click to enlarge</div>
        </div>
      );
    case 'audio':
      return (
        <div className="result-block" data-content="audio">
          <audio controls src={`data:${block.mimeType};base64,${block.data}`} />
          <div className="muted">{block.mimeType}</div>
        </div>
      );
    case 'resource':
      return (
        <div className="result-block" data-content="resource">
          <div className="row">
            <strong>Embedded resource</strong> <span className="mono muted">{block.resource.uri}</span>
          </div>
          <ResourceContentsView contents={block.resource} />
        </div>
      );
    case 'resource_link':
      return <ResourceLinkView block={block} />;
    default:
      return (
        <div className="result-block">
          <JsonView value={block} />
        </div>
      );
  }
}

function TextView({ text }: { text: string }) {
  const [raw, setRaw] = useState(false);
  const json = parseJson(text);
  const markdown = json === undefined && looksLikeMarkdown(text);
  if (raw || (json === undefined && !markdown)) {
    return (
      <>
        <pre className="block">{text}</pre>
        {(json !== undefined || markdown) && (
          <button type="button" className="link" onClick={() => setRaw(false)}>
            formatted
          </button>
        )}
      </>
    );
  }
  return (
    <>
      {json !== undefined ? <JsonView value={json} /> : <Markdown text={text} />}
      <button type="button" className="link" onClick={() => setRaw(true)}>
        raw text
      </button>
    </>
  );
}

function parseJson(text: string): unknown {
  const trimmed = text.trim();
  if (!/^[[{]/.test(trimmed)) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

/** A resource's contents: text (JSON/Markdown), an image, or the size of a blob. */
export function ResourceContentsView({ contents }: { contents: ResourceContents }) {
  if (contents.text !== undefined) return <TextView text={contents.text} />;
  if (contents.blob !== undefined) {
    const text = isTextual(contents.mimeType) ? decodeBase64Text(contents.blob) : undefined;
    if (text !== undefined) return <TextView text={text} />;
    if (contents.mimeType?.startsWith('image/')) return <ImageView alt={contents.uri} src={`data:${contents.mimeType};base64,${contents.blob}`} />;
    if (contents.mimeType?.startsWith('audio/')) return <audio controls src={`data:${contents.mimeType};base64,${contents.blob}`} />;
    return (
      <p className="muted">
        {contents.mimeType ?? 'binary'}, {Math.round((contents.blob.length * 3) / 4)} bytes
      </p>
    );
  }
  return <JsonView value={contents} />;
}

function isTextual(mimeType: string | undefined): boolean {
  return mimeType !== undefined && (mimeType.startsWith('text/') || /[/+](json|xml|yaml|javascript)$/.test(mimeType));
}

/** A base64 blob of UTF-8 text, or undefined when it is not. */
function decodeBase64Text(blob: string): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(atob(blob), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

function ResourceLinkView({ block }: { block: Extract<ContentBlock, { type: 'resource_link' }> }) {
  const connection = useApp((s) => s.app.connection);
  const bridgeRead = useReadResource();
  const [contents, setContents] = useState<ResourceContents[] | null>(null);
  return (
    <div className="result-block" data-content="resource_link">
      <div className="row wrap">
        <strong>{block.title ?? block.name}</strong>
        <span className="mono muted">{block.uri}</span>
        {block.mimeType && <span className="badge">{block.mimeType}</span>}
        <span className="spacer" />
        <button type="button" className="small" onClick={() => void bridgeRead(block.uri).then((read) => read && setContents(read))}>
          Read
        </button>
      </div>
      {block.description && <p className="muted">{block.description}</p>}
      {contents?.map((item, index) => (
        <ResourceContentsView key={index} contents={item} />
      ))}
      {connection !== 'online' && <p className="muted">offline</p>}
    </div>
  );
}

/** resources/read through the gateway, as the playground's session. */
export function useReadResource(): (uri: string) => Promise<ResourceContents[] | undefined> {
  const attempt = useApp((s) => s.app.attempt);
  const bridge = useBridge();
  return async (uri) => (await attempt('read the resource', () => call(bridge, 'resources.read', { uri })))?.contents;
}

