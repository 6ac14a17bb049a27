/**
 * The state of an action the user starts (load the demo, save retention, export): whether it is
 * running and the error it last failed with. `run` starts the work, clearing the previous error;
 * `fail` records an error found before any call (a form that does not validate). One action runs at
 * a time: `run` while busy does nothing.
 */
import { useCallback, useRef, useState } from 'react';

export interface ActionState {
  busy: boolean;
  /** undefined when the last run succeeded (or none failed yet). */
  error: unknown;
  run: (work: () => Promise<unknown>) => void;
  fail: (error: unknown) => void;
}

export function useAction(): ActionState {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  /** Read by `run` itself, which `busy` (a render's snapshot) cannot tell. */
  const running = useRef(false);

  const run = useCallback((work: () => Promise<unknown>) => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    setError(undefined);
    work()
      .catch(setError)
      .finally(() => {
        running.current = false;
        setBusy(false);
      });
  }, []);
  const fail = useCallback((err: unknown) => setError(err), []);
  return { busy, error, run, fail };
}
