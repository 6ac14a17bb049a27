/**
 * A chart as one focusable, labelled element: the drawing, the pointer layer over it, an
 * accessible summary (latest, min and max per series) and the keyboard (+ and − zoom, the arrow
 * keys pan). Used by the detailed view and by every chart of the overview; the parent measures
 * the frame (it needs the width for the query) and passes the size in. The hovered time stays in
 * here unless the parent shares it between charts, so a pointer move re-renders only the chart.
 */
import { useId, useState, useSyncExternalStore, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import type { Alert } from '../../../shared/panel-api.ts';
import type { ElementSize } from '../hooks/use-element-size.ts';
import { createHoverStore, type HoverStore } from '../lib/hover-store.ts';
import type { ColorScheme } from '../lib/palette.ts';
import type { ChartSeries } from '../lib/series.ts';
import { pan, zoomIn, zoomOut, zoomTo, type TimeRange } from '../lib/time-range.ts';
import type { ValueAxis } from '../lib/value-axis.ts';
import { plotBox } from './chart-geometry.ts';
import { ChartOverlay } from './ChartOverlay.tsx';
import { MetricChart, type BaselineBand } from './MetricChart.tsx';

/** How far one arrow key press moves the window, as a fraction of its span. */
const PAN_FRACTION = 0.25;

interface Props {
  frameRef: RefObject<HTMLDivElement | null>;
  size: ElementSize;
  /** The chart's accessible name, e.g. the metric's. */
  label: string;
  series: ChartSeries[];
  axis: ValueAxis;
  /** Formats a value for the tooltip and the summary (unit, "/s" for a rate). */
  format: (value: number) => string;
  start: number;
  end: number;
  scheme: ColorScheme;
  baseline: BaselineBand | null;
  alerts: Alert[];
  loading: boolean;
  /** The time under the pointer when charts share it (the overview); absent, the chart keeps its own. */
  sharedHover?: HoverStore;
  onRange: (range: TimeRange) => void;
  onDragChange: (dragging: boolean) => void;
  onAlertOpen: (alert: Alert) => void;
  onClick?: () => void;
  className?: string;
  /** Shown over the chart (the empty state). */
  children?: ReactNode;
}

/** The range a key asks for, or null for a key the chart does not use. */
function rangeForKey(key: string, start: number, end: number): TimeRange | null {
  const now = Date.now();
  if (key === '+' || key === '=') return zoomIn(start, end);
  if (key === '-' || key === '_') return zoomOut({ kind: 'absolute', start, end }, now);
  if (key === 'ArrowLeft') return pan(start, end, -PAN_FRACTION, now);
  if (key === 'ArrowRight') return pan(start, end, PAN_FRACTION, now);
  return null;
}

export function ChartFrame(props: Props) {
  const { frameRef, size, label, series, axis, format, start, end, scheme, baseline, alerts, loading } = props;
  const summaryId = useId();
  const [ownHover] = useState(createHoverStore);
  const hover = props.sharedHover ?? ownHover;
  const hoverT = useSyncExternalStore(hover.subscribe, hover.get);
  const box = plotBox(size.width, size.height);
  const drawable = size.width > 0 && box.height > 0;

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target !== event.currentTarget || event.altKey || event.ctrlKey || event.metaKey) return;
    const next = rangeForKey(event.key, start, end);
    if (next === null) return;
    event.preventDefault();
    props.onRange(next);
  };

  return (
    <div
      className={`chart-frame ${props.className ?? ''}`}
      ref={frameRef}
      role="group"
      aria-roledescription="chart"
      aria-label={`${label}. Plus and minus zoom, the arrow keys move in time.`}
      aria-describedby={summaryId}
      aria-busy={loading}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      {loading && <div className="loading-bar" aria-hidden="true" />}
      {drawable && (
        // The drawing is for the eye: the summary says what it shows, and nothing in it takes focus.
        <div className="chart-drawing" aria-hidden="true" inert>
          <MetricChart
            series={series}
            axis={axis}
            start={start}
            end={end}
            width={size.width}
            height={size.height}
            scheme={scheme}
            baseline={baseline}
            alerts={alerts}
          />
        </div>
      )}
      {drawable && (
        <ChartOverlay
          box={box}
          start={start}
          end={end}
          series={series}
          format={format}
          scheme={scheme}
          alerts={alerts}
          hoverT={hoverT}
          onHover={hover.set}
          onZoom={(a, b) => props.onRange(zoomTo(a, b))}
          onDragChange={props.onDragChange}
          onAlertOpen={props.onAlertOpen}
          onClick={props.onClick}
        />
      )}
      <p id={summaryId} className="visually-hidden" data-testid="chart-summary">
        {series.length === 0
          ? 'No data in this range.'
          : series
              .map((s) =>
                s.stats === null
                  ? `${s.name}: no data.`
                  : `${s.name}: latest ${format(s.stats.last)}, min ${format(s.stats.min)}, max ${format(s.stats.max)}.`,
              )
              .join(' ')}
      </p>
      {props.children}
    </div>
  );
}
