import { useState } from 'react';
import type { DialogRequest, JsonObject } from '../../shared/contract.ts';
import { useApp } from '../store/index.ts';
import { JsonView, Modal } from './common.tsx';
import { SchemaForm } from './schema-form.tsx';

/** A server's request that needs a person (elicitation, sampling), one at a time, oldest first. */
export function ServerDialogs() {
  const request = useApp((s) => s.dialogs.queue[0]);
  if (!request) return null;
  return request.kind === 'elicitation' ? <ElicitationDialog key={request.requestId} request={request} /> : <SamplingDialog key={request.requestId} request={request} />;
}

function ElicitationDialog({ request }: { request: Extract<DialogRequest, { kind: 'elicitation' }> }) {
  const respond = useApp((s) => s.dialogs.respond);
  const schema = request.params.requestedSchema ?? { type: 'object', properties: {} };
  const [values, setValues] = useState<JsonObject>(() => defaults(schema));
  const answer = (action: 'accept' | 'decline' | 'cancel') => void respond(request.requestId, action === 'accept' ? { action, content: values } : { action });
  const url = request.params.mode === 'url' ? request.params.url : undefined;
  return (
    <Modal
      title={`${request.server ?? 'A server'} asks`}
      onClose={() => answer('cancel')}
      footer={
        <>
          <button type="button" onClick={() => answer('decline')}>
            Decline
          </button>
          <button type="button" className="primary" onClick={() => answer('accept')}>
            {url ? 'Done' : 'Accept'}
          </button>
        </>
      }
    >
      <div className="stack" aria-label="Elicitation">
        <p style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{request.params.message}</p>
        {url ? (
          <p>
            Open{' '}
            <a href={url} target="_blank" rel="noreferrer noopener">
              {url}
            </a>
            , finish there, then press Done.
          </p>
        ) : (
          <SchemaForm schema={schema} values={values} onChange={(next) => setValues(next)} idPrefix="elicit" />
        )}
      </div>
    </Modal>
  );
}

function SamplingDialog({ request }: { request: Extract<DialogRequest, { kind: 'sampling' }> }) {
  const respond = useApp((s) => s.dialogs.respond);
  const [text, setText] = useState('');
  const [model, setModel] = useState('switchboard-playground');
  const messages = Array.isArray(request.params.messages) ? (request.params.messages as { role: string; content: unknown }[]) : [];
  return (
    <Modal
      title={`${request.server ?? 'A server'} asks for a model completion`}
      onClose={() => void respond(request.requestId, { action: 'reject' })}
      wide
      footer={
        <>
          <button type="button" onClick={() => void respond(request.requestId, { action: 'reject' })}>
            Reject
          </button>
          <button type="button" className="primary" onClick={() => void respond(request.requestId, { role: 'assistant', model, content: { type: 'text', text }, stopReason: 'endTurn' })}>
            Send answer
          </button>
        </>
      }
    >
      <div className="stack" aria-label="Sampling request">
        <p className="muted" style={{ margin: 0 }}>
          No model runs in Switchboard: you answer as the model would.
        </p>
        {typeof request.params.systemPrompt === 'string' && (
          <div>
            <strong>System prompt</strong>
            <pre className="block">{request.params.systemPrompt}</pre>
          </div>
        )}
        {messages.map((message, index) => (
          <div key={index}>
            <strong>{message.role}</strong>
            {isText(message.content) ? <pre className="block">{message.content.text}</pre> : <JsonView value={message.content} />}
          </div>
        ))}
        {request.params.maxTokens !== undefined && <span className="muted">max tokens: {String(request.params.maxTokens)}</span>}
        <label className="field">
          <span>Your answer</span>
          <textarea rows={5} autoFocus value={text} onChange={(event) => setText(event.target.value)} />
        </label>
        <label className="field">
          <span>Model name reported</span>
          <input value={model} onChange={(event) => setModel(event.target.value)} />
        </label>
      </div>
    </Modal>
  );
}

function isText(content: unknown): content is { type: 'text'; text: string } {
  return typeof content === 'object' && content !== null && (content as { type?: unknown }).type === 'text';
}

/** The defaults a form starts with (elicitation schemas are flat). */
function defaults(schema: JsonObject): JsonObject {
  const properties = (schema.properties ?? {}) as Record<string, { default?: unknown }>;
  return Object.fromEntries(Object.entries(properties).filter(([, property]) => property.default !== undefined).map(([key, property]) => [key, property.default]));
}
