import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

/** Pretty JSON of any value (strings that hold JSON are parsed first). */
export function JsonView({ value, label }: { value: unknown; label?: string }) {
  return (
    <pre className="json" aria-label={label}>
      {formatJson(value)}
    </pre>
  );
}

export function formatJson(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2) ?? String(value);
}

/** Copies text; says so for a moment. */
export function CopyButton({ text, label = 'Copy', className = 'small' }: { text: string | (() => string); label?: string; className?: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      className={className}
      onClick={() => {
        const value = typeof text === 'function' ? text() : text;
        void copyText(value).then(() => setCopied(true));
      }}
    >
      {copied ? 'Copied' : label}
    </button>
  );
}

export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard permission (an insecure origin): fall back to a selection.
    const area = document.createElement('textarea');
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}

/** A modal dialog: Escape closes it, focus starts inside and returns where it was. */
const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), textarea:not([disabled]), select:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/** Not inside something hidden, nor in the folded part of a closed <details>. */
function isReachable(element: HTMLElement): boolean {
  if (element.closest('[hidden], [inert]')) return false;
  const folded = element.closest('details:not([open])');
  return !folded || (element.tagName === 'SUMMARY' && element.parentElement === folded);
}

export function Modal({ title, onClose, children, footer, wide }: { title: ReactNode; onClose: () => void; children: ReactNode; footer?: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    // The field a person fills first, before any tab or button above it.
    const first = ['[autofocus]', 'input:not([type=hidden]), textarea, select', 'button:not([data-close])'].map((selector) => ref.current?.querySelector<HTMLElement>(selector)).find(Boolean);
    first?.focus();
    return () => previous?.focus?.();
  }, []);
  return (
    <div className="overlay" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div
        ref={ref}
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-label={typeof title === 'string' ? title : undefined}
        style={wide ? { width: 'min(1000px, 100%)' } : undefined}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            onClose();
          } else if (event.key === 'Tab' && ref.current) {
            // Tab stays in the dialog (aria-modal): from its last control to its first, and back.
            const focusable = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(isReachable);
            const edge = event.shiftKey ? focusable[0] : focusable[focusable.length - 1];
            if (edge && (document.activeElement === edge || !ref.current.contains(document.activeElement))) {
              event.preventDefault();
              (event.shiftKey ? focusable[focusable.length - 1] : focusable[0])?.focus();
            }
          }
        }}
      >
        <header>
          <h2 style={{ margin: 0 }}>{title}</h2>
          <span className="spacer" />
          <button type="button" className="small" data-close onClick={onClose} aria-label="Close">
            ✕
          </button>
        </header>
        <div className="modal-body">{children}</div>
        {footer && <footer>{footer}</footer>}
      </div>
    </div>
  );
}

/** The current time, re-read every `intervalMs` (for uptimes and ages). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function formatDuration(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.floor(seconds % 60)} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function formatTime(time: number, withDate = false): string {
  const date = new Date(time);
  const clock = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
  return withDate ? `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${clock}` : clock;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A state badge (server states, call statuses). */
export function Badge({ kind, children }: { kind: string; children?: ReactNode }) {
  return <span className={`badge ${kind}`}>{children ?? kind}</span>;
}

/** A value kept in step with a prop, changed at most every `ms` (search boxes). */
export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** Up/Down (and Home/End) move the focus between the buttons of a list, as in a listbox. */
export function moveFocusInList(event: KeyboardEvent<HTMLElement>): void {
  if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(event.key)) return;
  const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button[role="option"]')];
  if (buttons.length === 0) return;
  event.preventDefault();
  const current = buttons.indexOf(document.activeElement as HTMLButtonElement);
  const next = event.key === 'Home' ? 0 : event.key === 'End' ? buttons.length - 1 : Math.max(0, Math.min(buttons.length - 1, current + (event.key === 'ArrowDown' ? 1 : -1)));
  buttons[next]!.focus();
}

/** A choice of one server or all of them, for a page's filters: `undefined` is all. */
export function ServerFilter({ names, value, onChange, label = 'Server' }: { names: readonly string[]; value: string | undefined; onChange: (server: string | undefined) => void; label?: string }) {
  return (
    <select aria-label={label} value={value ?? ''} onChange={(event) => onChange(event.target.value || undefined)}>
      <option value="">All servers</option>
      {names.map((name) => (
        <option key={name} value={name}>
          {name}
        </option>
      ))}
    </select>
  );
}
