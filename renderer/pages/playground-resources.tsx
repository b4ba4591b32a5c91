// The Playground's Resources and Prompts tabs: read a resource (or a template filled in, with completion), follow
// it live; render a prompt with its arguments (with completion).
import { useEffect, useRef, useState } from 'react';
import type { PromptInfo, PromptRendered, ResourceContents } from '../../shared/contract.ts';
import { useBridge } from '../components/bridge-context.tsx';
import { CompletingInput } from '../components/completing-input.tsx';
import { formatTime, moveFocusInList } from '../components/common.tsx';
import { call } from '../store/call.ts';
import { useApp } from '../store/index.ts';
import { ContentView, ResourceContentsView } from './result-view.tsx';

export function ResourcesTab() {
  const resources = useApp((s) => s.catalog.catalog.resources);
  const templates = useApp((s) => s.catalog.catalog.resourceTemplates);
  const attempt = useApp((s) => s.app.attempt);
  const bridge = useBridge();
  const readOrError = async (uri: string): Promise<{ contents: ResourceContents[] } | { error: string }> => {
    try {
      return await call(bridge, 'resources.read', { uri });
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };
  const [selected, setSelected] = useState<string | null>(null);
  const [contents, setContents] = useState<ResourceContents[] | null>(null);
  const [template, setTemplate] = useState<string | null>(null);
  const [variables, setVariables] = useState<Record<string, string>>({});
  const [readError, setReadError] = useState<string | null>(null);
  const open = async (uri: string) => {
    setSelected(uri);
    setContents(null);
    setReadError(null);
    // A read that fails says so in the pane (not only in a toast that goes away): never "Reading…" forever.
    const result = await readOrError(uri);
    if ('error' in result) setReadError(result.error);
    else setContents(result.contents);
  };
  // Live updates: the resources subscribed to, read again when their server says they changed.
  const [subscribed, setSubscribed] = useState<ReadonlySet<string>>(new Set());
  const [updatedAt, setUpdatedAt] = useState<Record<string, number>>({});
  const toggleSubscription = async (uri: string, on: boolean) => {
    const done = await attempt(on ? 'subscribe to it' : 'unsubscribe', () => call(bridge, 'resources.subscribe', { uri, subscribed: on }));
    if (done === undefined) return;
    setSubscribed((current) => {
      const next = new Set(current);
      if (on) next.add(uri);
      else next.delete(uri);
      return next;
    });
  };
  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  useEffect(
    () =>
      bridge.on('resources.updated', ({ uri, time }) => {
        setUpdatedAt((current) => ({ ...current, [uri]: time }));
        if (uri === selectedRef.current) {
          void readOrError(uri).then((result) => {
            if (selectedRef.current !== uri) return;
            if ('error' in result) setReadError(result.error);
            else setContents(result.contents);
          });
        }
      }),
    [bridge],
  );
  const chosenTemplate = templates.find((item) => item.uriTemplate === template);
  const names = chosenTemplate ? [...chosenTemplate.uriTemplate.matchAll(/\{[+#./;?&]?([^}]+)\}/g)].flatMap((match) => match[1]!.split(',')) : [];
  return (
    <div className="split">
      <div className="list-pane">
        <ul aria-label="Resources" role="listbox" onKeyDown={moveFocusInList}>
          {resources.map((resource) => (
            <li key={resource.uri}>
              <button type="button" role="option" aria-selected={selected === resource.uri && template === null} onClick={() => (setTemplate(null), void open(resource.uri))}>
                <span className="item-name">
                  {resource.title ?? resource.name} <span className="badge">{resource.server}</span>
                </span>
                <span className="item-desc mono">{resource.uri}</span>
              </button>
            </li>
          ))}
          {templates.map((item) => (
            <li key={item.uriTemplate}>
              <button type="button" role="option" aria-selected={template === item.uriTemplate} onClick={() => (setTemplate(item.uriTemplate), setVariables({}))}>
                <span className="item-name">
                  {item.title ?? item.name} <span className="badge">template</span> <span className="badge">{item.server}</span>
                </span>
                <span className="item-desc mono">{item.uriTemplate}</span>
              </button>
            </li>
          ))}
          {resources.length + templates.length === 0 && <li className="muted" style={{ padding: 10 }}>No server offers resources.</li>}
        </ul>
      </div>
      <div className="detail-pane stack">
        {chosenTemplate && (
          <form
            className="card stack"
            onSubmit={(event) => {
              event.preventDefault();
              void open(expandTemplate(chosenTemplate.uriTemplate, variables));
            }}
          >
            <strong>{chosenTemplate.uriTemplate}</strong>
            {chosenTemplate.description && <p className="muted">{chosenTemplate.description}</p>}
            {names.map((name) => (
              <label key={name} className="field">
                <span>{name}</span>
                <CompletingInput
                  reference={{ type: 'ref/resource', uri: chosenTemplate.uriTemplate }}
                  name={name}
                  value={variables[name] ?? ''}
                  context={variables}
                  onChange={(value) => setVariables({ ...variables, [name]: value })}
                />
              </label>
            ))}
            <div>
              <button type="submit" className="primary">
                Read
              </button>
            </div>
          </form>
        )}
        {selected && (
          <section className="stack" aria-label="Resource">
            <div className="row wrap">
              <h2 className="mono" style={{ margin: 0 }}>
                {selected}
              </h2>
              <span className="spacer" />
              <label className="row" title="resources/subscribe: the server tells when it changes, and it is read again">
                <input type="checkbox" checked={subscribed.has(selected)} onChange={(event) => void toggleSubscription(selected, event.target.checked)} />
                Live updates
              </label>
              {updatedAt[selected] !== undefined && <span className="muted" data-testid="resource-updated">updated {formatTime(updatedAt[selected]!)}</span>}
            </div>
            {readError !== null ? (
              <p className="error-text" role="alert">
                Could not read it: {readError}
              </p>
            ) : contents === null ? (
              <p className="muted">Reading…</p>
            ) : (
              contents.map((item, index) => (
                <div className="result-block" key={index}>
                  <div className="muted mono">
                    {item.uri} {item.mimeType}
                  </div>
                  <ResourceContentsView contents={item} />
                </div>
              ))
            )}
          </section>
        )}
        {!selected && !chosenTemplate && <p className="muted">Pick a resource to read it, or a template to fill in.</p>}
      </div>
    </div>
  );
}

/** RFC 6570 level 1 (what servers use in practice): `{name}` replaced by its encoded value. */
function expandTemplate(template: string, variables: Record<string, string>): string {
  return template.replace(/\{([+#./;?&]?)([^}]+)\}/g, (_whole, operator: string, names: string) => {
    const values = names.split(',').map((name) => (operator === '+' ? (variables[name] ?? '') : encodeURIComponent(variables[name] ?? '')));
    if (operator === '?') return `?${names.split(',').map((name, i) => `${name}=${values[i]}`).join('&')}`;
    return values.join(',');
  });
}

export function PromptsTab() {
  const prompts = useApp((s) => s.catalog.catalog.prompts);
  const [selected, setSelected] = useState<PromptInfo | null>(null);
  return (
    <div className="split">
      <div className="list-pane">
        <ul aria-label="Prompts" role="listbox" onKeyDown={moveFocusInList}>
          {prompts.map((prompt) => (
            <li key={prompt.name}>
              <button type="button" role="option" aria-selected={selected?.name === prompt.name} onClick={() => setSelected(prompt)}>
                <span className="item-name">{prompt.title ?? prompt.name}</span>
                <span className="item-desc">{prompt.description}</span>
              </button>
            </li>
          ))}
          {prompts.length === 0 && <li className="muted" style={{ padding: 10 }}>No server offers prompts.</li>}
        </ul>
      </div>
      <div className="detail-pane">{selected ? <PromptDetail key={selected.name} prompt={selected} /> : <p className="muted">Pick a prompt to render it.</p>}</div>
    </div>
  );
}

function PromptDetail({ prompt }: { prompt: PromptInfo }) {
  const bridge = useBridge();
  const attempt = useApp((s) => s.app.attempt);
  const [args, setArgs] = useState<Record<string, string>>({});
  const [rendered, setRendered] = useState<PromptRendered | null>(null);
  return (
    <div className="stack">
      <h2 style={{ marginBottom: 0 }}>{prompt.title ?? prompt.name}</h2>
      <span className="muted">
        <span className="mono">{prompt.name}</span> on {prompt.server}
      </span>
      {prompt.description && <p>{prompt.description}</p>}
      <form
        className="card stack"
        onSubmit={(event) => {
          event.preventDefault();
          const filled = Object.fromEntries(Object.entries(args).filter(([, value]) => value !== ''));
          void attempt('render the prompt', () => call(bridge, 'prompts.get', { name: prompt.name, arguments: filled })).then((result) => result && setRendered(result));
        }}
      >
        {(prompt.arguments ?? []).map((argument) => (
          <label key={argument.name} className="field">
            <span>
              {argument.name}
              {argument.required && <span className="error-text"> *</span>}
            </span>
            <CompletingInput
              reference={{ type: 'ref/prompt', name: prompt.name }}
              name={argument.name}
              value={args[argument.name] ?? ''}
              context={args}
              required={argument.required}
              onChange={(value) => setArgs({ ...args, [argument.name]: value })}
            />
            {argument.description && <small className="muted">{argument.description}</small>}
          </label>
        ))}
        <div>
          <button type="submit" className="primary">
            Render
          </button>
        </div>
      </form>
      {rendered && (
        <section className="stack" aria-label="Rendered prompt">
          {rendered.description && <p className="muted">{rendered.description}</p>}
          {rendered.messages.map((message, index) => (
            <div key={index} className="stack">
              <strong>{message.role}</strong>
              <ContentView block={message.content} />
            </div>
          ))}
        </section>
      )}
    </div>
  );
}
