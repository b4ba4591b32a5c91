import { useEffect, useRef, useState, type DependencyList, type Dispatch, type SetStateAction } from 'react';
import { useApp } from '../store/index.ts';

/**
 * A value read now and again every `intervalMs` while the component is shown (and read afresh when `deps` change);
 * a failed read is a toast saying what could not be done (`what`), and the last value stays. The setter lets an
 * action show its own answer at once.
 */
export function usePolled<T>(what: string, read: () => Promise<T>, intervalMs: number, deps: DependencyList): [T | null, Dispatch<SetStateAction<T | null>>] {
  const attempt = useApp((s) => s.app.attempt);
  const [value, setValue] = useState<T | null>(null);
  const reader = useRef(read);
  reader.current = read;
  useEffect(() => {
    let live = true;
    const load = () => void attempt(what, () => reader.current()).then((next) => live && next !== undefined && setValue(next));
    load();
    const timer = setInterval(load, intervalMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
    // `read` is the latest render's (through the ref); `deps` say when to read again at once.
  }, [attempt, what, intervalMs, ...deps]);
  return [value, setValue];
}
