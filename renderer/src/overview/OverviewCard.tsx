/**
 * One metric in the overview: a small chart drawn the way its type wants (a counter's rate, a
 * histogram's quantiles), queried only once it comes near the screen and at one point per pixel.
 * It shares the overview's range (a drag zooms every chart) and crosshair; a click opens the metric.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { MetricInfo, MetricQuery, SeriesResult } from '../../../shared/panel-api.ts';
import { errorMessage, telemetry } from '../lib/api.ts';
import { CHART_FNS, effectiveFn, isPerSecond, queryChart, type ChartRequest } from '../lib/chart-query.ts';
import { unitName, valueFormatter } from '../lib/format.ts';
import type { HoverStore } from '../lib/hover-store.ts';
import type { ColorScheme } from '../lib/palette.ts';
import { buildChartSeries, seriesExtent } from '../lib/series.ts';
import type { TimeRange } from '../lib/time-range.ts';
import { valueAxis } from '../lib/value-axis.ts';
import { useAsync } from '../hooks/use-async.ts';
import { useElementSize } from '../hooks/use-element-size.ts';
import { useInView } from '../hooks/use-in-view.ts';
import { plotBox } from '../metrics/chart-geometry.ts';
import { ChartFrame } from '../metrics/ChartFrame.tsx';

const NO_ALERTS: never[] = [];

interface Props {
  metric: MetricInfo;
  start: number;
  end: number;
  /** The matchers every card's query carries (the demo switch's source!="demo"). */
  labels: MetricQuery['labels'];
  scheme: ColorScheme;
  pinned: boolean;
  hover: HoverStore;
  onRange: (range: TimeRange) => void;
  onDragChange: (dragging: boolean) => void;
  onOpen: (metric: string) => void;
  onPin: (metric: string) => void;
}

function OverviewCardImpl(props: Props) {
  const { metric, start, end, labels, scheme } = props;
  const frameRef = useRef<HTMLDivElement>(null);
  const size = useElementSize(frameRef);
  const inView = useInView(frameRef);
  const box = plotBox(size.width, size.height);
  const fn = effectiveFn(metric.type, undefined);
  const format = useMemo(() => valueFormatter(metric.unit, isPerSecond(fn)), [metric.unit, fn]);

  // The request follows the range only while the card is near the screen; off screen it keeps the last one.
  const [request, setRequest] = useState<ChartRequest | null>(null);
  useEffect(() => {
    if (!inView || box.width <= 0) return;
    setRequest({ start, end, labels, choice: 'auto', maxPoints: box.width });
  }, [inView, start, end, labels, box.width]);
  // The chart is drawn on the window its data was queried for, so a new range costs one drawing
  // (when its data arrives), not two (the old data on the new window first).
  const results = useAsync(
    useCallback(
      async (): Promise<{ request: ChartRequest | null; series: SeriesResult[] }> => ({
        request,
        series: request === null ? [] : await queryChart((q) => telemetry().query(q), metric, fn, request),
      }),
      [metric, fn, request],
    ),
  );
  const drawnRequest = results.data?.request ?? null;
  const series = useMemo(() => buildChartSeries(results.data?.series ?? []), [results.data]);
  const axis = useMemo(() => {
    const extent = seriesExtent(series);
    return valueAxis(extent?.min ?? 0, extent?.max ?? 1, metric.unit, box.height, isPerSecond(fn));
  }, [series, metric.unit, box.height, fn]);
  const open = () => props.onOpen(metric.name);
  const drawn = drawnRequest !== null && drawnRequest === request && !results.loading;
  const subtitle = [fn === null ? null : CHART_FNS[fn], unitName(metric.unit) || null].filter(Boolean).join(' · ');

  return (
    <article
      className="overview-card"
      data-testid="overview-card"
      data-metric={metric.name}
      data-state={results.error !== undefined ? 'error' : drawn ? 'drawn' : 'waiting'}
      data-series={series.length}
      data-in-view={inView}
      data-drawn-start={drawn ? drawnRequest.start : undefined}
      aria-label={metric.name}
    >
      <header className="overview-card-header">
        <button type="button" className="overview-card-title" onClick={open} title={metric.help}>
          <span className="metric-name">{metric.name}</span>
          <span className="overview-card-subtitle">{subtitle}</span>
        </button>
        <button
          type="button"
          className="pin-button"
          aria-pressed={props.pinned}
          aria-label={`Pin ${metric.name}`}
          title={props.pinned ? 'Pinned to the overview' : 'Pin to the overview'}
          onClick={() => props.onPin(metric.name)}
        >
          {props.pinned ? '★' : '☆'}
        </button>
      </header>
      <ChartFrame
        frameRef={frameRef}
        size={size}
        label={`Chart of ${metric.name}`}
        series={series}
        axis={axis}
        format={format}
        start={drawnRequest?.start ?? start}
        end={drawnRequest?.end ?? end}
        scheme={scheme}
        baseline={null}
        alerts={NO_ALERTS}
        loading={request !== null && results.loading}
        sharedHover={props.hover}
        onRange={props.onRange}
        onDragChange={props.onDragChange}
        onAlertOpen={open}
        onClick={open}
        className="overview-chart"
      >
        {results.error !== undefined && <p className="chart-empty inline-error">{errorMessage(results.error)}</p>}
        {drawn && results.error === undefined && series.length === 0 && (
          <p className="chart-empty">No samples in this range.</p>
        )}
      </ChartFrame>
    </article>
  );
}

export const OverviewCard = memo(OverviewCardImpl);
