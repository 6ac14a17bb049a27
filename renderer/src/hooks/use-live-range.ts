/**
 * A view's time range as its charts and its time bar use it. "Now" is re-read every
 * LIVE_INTERVAL_MS while live (the range relative, live not switched off, no chart being dragged)
 * and frozen otherwise, so a live range re-queries on a steady beat and a paused one never does;
 * `setRange` re-reads it before passing a new range on.
 */
import { useCallback, useEffect, useState } from 'react';
import { resolveRange, type TimeRange } from '../lib/time-range.ts';

const LIVE_INTERVAL_MS = 10_000;

function useLiveClock(live: boolean): { now: number; refresh: () => void } {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!live) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), LIVE_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [live]);
  const refresh = useCallback(() => setNow(Date.now()), []);
  return { now, refresh };
}

export function useLiveRange(range: TimeRange, onRange: (next: TimeRange) => void) {
  const [live, setLive] = useState(true);
  const [dragging, setDragging] = useState(false);
  const liveActive = live && range.kind === 'relative' && !dragging;
  const { now, refresh } = useLiveClock(liveActive);
  const { start, end } = resolveRange(range, now);
  const setRange = useCallback(
    (next: TimeRange) => {
      refresh();
      onRange(next);
    },
    [refresh, onRange],
  );
  return { live, setLive, liveActive, setDragging, now, start, end, setRange };
}
