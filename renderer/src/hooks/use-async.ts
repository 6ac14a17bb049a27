/**
 * Runs an async load whenever its (memoised) loader changes and keeps the last good value while a
 * newer load is in flight, so live refreshes do not flash. Results of superseded loads are dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

export function useAsync<T>(load: () => Promise<T>): AsyncState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    const ticket = latest.current + 1;
    latest.current = ticket;
    setLoading(true);
    load().then(
      (value) => {
        if (latest.current !== ticket) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        if (latest.current !== ticket) return;
        setError(err);
        setLoading(false);
      },
    );
  }, [load, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload };
}
