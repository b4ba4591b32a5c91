import { useEffect, useState } from 'react';
import { call } from '../store/call.ts';
import { useBridge } from './bridge-context.tsx';
import { useDebounced } from './common.tsx';

/**
 * A text field with the server's suggestions (completion/complete) as you type, in a native list (arrow keys,
 * Enter): for a prompt's arguments and a template's variables. A server that offers none just shows none.
 */
export function CompletingInput({
  reference,
  name,
  value,
  context,
  required,
  onChange,
}: {
  reference: { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string };
  name: string;
  value: string;
  context: Record<string, string>;
  required?: boolean;
  onChange: (value: string) => void;
}) {
  const bridge = useBridge();
  const [suggestions, setSuggestions] = useState<string[]>([]);
  const typed = useDebounced(value, 150);
  const others = JSON.stringify(Object.fromEntries(Object.entries(context).filter(([key, each]) => key !== name && each !== '')));
  const refKey = reference.type === 'ref/prompt' ? reference.name : reference.uri;
  useEffect(() => {
    let live = true;
    const filled = JSON.parse(others) as Record<string, string>;
    call(bridge, 'completion.complete', { ref: reference, argument: { name, value: typed }, ...(Object.keys(filled).length > 0 ? { context: filled } : {}) }).then(
      (result) => live && setSuggestions(result.values),
      () => live && setSuggestions([]),
    );
    return () => {
      live = false;
    };
    // The reference is named by refKey; a new object each render must not ask again.
  }, [bridge, refKey, name, typed, others]);
  const listId = `complete-${refKey}-${name}`.replace(/[^\w-]/g, '_');
  return (
    <>
      <input value={value} required={required} list={listId} autoComplete="off" onChange={(event) => onChange(event.target.value)} />
      <datalist id={listId} data-completions={name}>
        {suggestions.map((suggestion) => (
          <option key={suggestion} value={suggestion} />
        ))}
      </datalist>
    </>
  );
}
