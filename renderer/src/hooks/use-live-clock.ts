/**
 * "Now" for the chart: re-read every `intervalMs` while live and frozen otherwise, so a live range
 * re-queries on a steady beat and a paused one never does; `refresh` re-reads it on demand.
 */
import { useCallback, useEffect, useState } from 'react';

export function useLiveClock(live: boolean, intervalMs: number): { now: number; refresh: () => void } {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!live) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [live, intervalMs]);
  const refresh = useCallback(() => setNow(Date.now()), []);
  return { now, refresh };
}
