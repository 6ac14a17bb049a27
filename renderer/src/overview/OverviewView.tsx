/**
 * The overview, the Metrics tab's home: a chart per metric (or per pinned metric, the choice
 * kept in localStorage) in a responsive grid, all on one time range with one crosshair: hovering
 * a chart marks the same time on every chart, dragging across one zooms them all, a click opens
 * the metric's detailed view. Charts off screen wait until they are scrolled to.
 */
import { useCallback, useMemo, useState } from 'react';
import type { MetricInfo } from '../../../shared/panel-api.ts';
import { createHoverStore } from '../lib/hover-store.ts';
import { toMatchers } from '../lib/label-filters.ts';
import { zoomOut, type TimeRange } from '../lib/time-range.ts';
import { useColorScheme } from '../hooks/use-color-scheme.ts';
import { useLiveRange } from '../hooks/use-live-range.ts';
import { RangeText, TimeRangeBar } from '../metrics/TimeRangeBar.tsx';
import { OverviewCard } from './OverviewCard.tsx';
import {
  loadOverviewPrefs,
  saveOverviewPrefs,
  togglePinned,
  type OverviewMode,
  type OverviewPrefs,
} from './pinned-metrics.ts';

interface Props {
  metrics: MetricInfo[];
  range: TimeRange;
  /** Leave the demo history's series out (source!="demo"). */
  hideDemo: boolean;
  onRange: (range: TimeRange) => void;
  onOpen: (metric: string) => void;
}

export function OverviewView({ metrics, range, hideDemo, onRange, onOpen }: Props) {
  const scheme = useColorScheme();
  const [prefs, setPrefs] = useState<OverviewPrefs>(loadOverviewPrefs);
  const [hover] = useState(createHoverStore);
  const { live, setLive, liveActive, setDragging, now, start, end, setRange } = useLiveRange(range, onRange);
  const labels = useMemo(() => toMatchers([], hideDemo), [hideDemo]);

  const updatePrefs = useCallback((update: (prefs: OverviewPrefs) => OverviewPrefs) => {
    setPrefs((prev) => {
      const next = update(prev);
      saveOverviewPrefs(next);
      return next;
    });
  }, []);
  const onPin = useCallback((metric: string) => updatePrefs((p) => togglePinned(p, metric)), [updatePrefs]);
  const setMode = (mode: OverviewMode) => updatePrefs((p) => ({ ...p, mode }));
  const shown = prefs.mode === 'pinned' ? metrics.filter((m) => prefs.pinned.includes(m.name)) : metrics;

  return (
    <section className="overview" aria-label="Overview">
      <header className="panel-heading">
        <h1 className="panel-title">Overview</h1>
        <div className="segmented" role="group" aria-label="Charts shown">
          <button type="button" aria-pressed={prefs.mode === 'all'} onClick={() => setMode('all')}>
            All metrics
          </button>
          <button type="button" aria-pressed={prefs.mode === 'pinned'} onClick={() => setMode('pinned')}>
            Pinned ({prefs.pinned.length})
          </button>
        </div>
        <RangeText range={range} start={start} end={end} />
      </header>
      <div className="panel-toolbar">
        <TimeRangeBar
          range={range}
          now={now}
          live={live}
          liveActive={liveActive}
          onRange={setRange}
          onZoomOut={() => setRange(zoomOut(range, Date.now()))}
          onLive={setLive}
        />
      </div>
      {shown.length === 0 && (
        <p className="muted overview-empty">
          No metric is pinned yet: pin one with the ☆ of its chart under All metrics.
        </p>
      )}
      <div className="overview-grid" onPointerLeave={() => hover.set(null)}>
        {shown.map((metric) => (
          <OverviewCard
            key={metric.name}
            metric={metric}
            start={start}
            end={end}
            labels={labels}
            scheme={scheme}
            pinned={prefs.pinned.includes(metric.name)}
            hover={hover}
            onRange={setRange}
            onDragChange={setDragging}
            onOpen={onOpen}
            onPin={onPin}
          />
        ))}
      </div>
    </section>
  );
}
