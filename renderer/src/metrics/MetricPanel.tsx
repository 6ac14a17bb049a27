/**
 * One metric on screen: time and resolution controls, label filters, how it is drawn (by type,
 * aggregated or not), the chart with its overlay, filling the height the window gives it, and
 * the legend. Owns the queries (series, alerts, baselines) and live refresh.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import type { Alert, MetricInfo, SeriesResult } from '../../../shared/panel-api.ts';
import { telemetry } from '../lib/api.ts';
import { effectiveFn, isPerSecond, queryChart, type ChartAggregate, type ChartFn } from '../lib/chart-query.ts';
import { valueFormatter } from '../lib/format.ts';
import { toMatchers, type LabelFilter } from '../lib/label-filters.ts';
import { isChoiceDrawable, type ResolutionChoice } from '../lib/resolution.ts';
import { buildChartSeries, sameLabels, seriesExtent } from '../lib/series.ts';
import { ALERT_WINDOW_MS, rangeAround, zoomOut, type TimeRange } from '../lib/time-range.ts';
import { valueAxis } from '../lib/value-axis.ts';
import { useAsync } from '../hooks/use-async.ts';
import { useColorScheme } from '../hooks/use-color-scheme.ts';
import { useElementSize } from '../hooks/use-element-size.ts';
import { useLiveRange } from '../hooks/use-live-range.ts';
import { ErrorBanner } from '../components/Notice.tsx';
import { BaselineControl, baselineBand } from './BaselineControl.tsx';
import { plotBox } from './chart-geometry.ts';
import { ChartControls } from './ChartControls.tsx';
import { ChartFrame } from './ChartFrame.tsx';
import { HistogramHeatmap } from './HistogramHeatmap.tsx';
import { LabelFilters } from './LabelFilters.tsx';
import { LegendTable } from './LegendTable.tsx';
import { ResolutionControl } from './ResolutionControl.tsx';
import { RangeText, TimeRangeBar } from './TimeRangeBar.tsx';
import { DAY_MS, DEMO_LABEL } from '../../../shared/constants.ts';

const NO_ALERTS: Alert[] = [];

interface Props {
  metric: MetricInfo;
  range: TimeRange;
  filters: LabelFilter[];
  /** How the metric is drawn; null: its type's default (a counter's rate, a histogram's quantiles). */
  fn: ChartFn | null;
  aggregate: ChartAggregate | null;
  /** Leave the demo history's series out (source!="demo"). */
  hideDemo: boolean;
  onRange: (range: TimeRange) => void;
  onFilters: (filters: LabelFilter[]) => void;
  onFn: (fn: ChartFn) => void;
  onAggregate: (aggregate: ChartAggregate | null) => void;
  onOverview: () => void;
}

export function MetricPanel(props: Props) {
  const { metric, range, filters, aggregate, hideDemo, onRange } = props;
  const scheme = useColorScheme();
  const frameRef = useRef<HTMLDivElement>(null);
  const size = useElementSize(frameRef);
  const box = plotBox(size.width, size.height);
  const [choice, setChoice] = useState<ResolutionChoice>('auto');
  const [baselineKey, setBaselineKey] = useState<string | null>(null);
  const [heatmap, setHeatmap] = useState(false);
  const { live, setLive, liveActive, setDragging, now, start, end, setRange } = useLiveRange(range, onRange);
  const resolution = isChoiceDrawable(choice, end - start, box.width) ? choice : 'auto';
  const matchers = useMemo(() => toMatchers(filters, hideDemo), [filters, hideDemo]);
  const metricName = metric.name;
  const maxPoints = box.width;
  const fn = effectiveFn(metric.type, props.fn ?? undefined);
  const format = useMemo(() => valueFormatter(metric.unit, isPerSecond(fn)), [metric.unit, fn]);
  const request = useMemo(
    () => ({ start, end, labels: matchers, choice: resolution, maxPoints, aggregate }),
    [start, end, matchers, resolution, maxPoints, aggregate],
  );

  const results = useAsync(
    useCallback(
      (): Promise<SeriesResult[]> =>
        maxPoints > 0 ? queryChart((q) => telemetry().query(q), metric, fn, request) : Promise.resolve([]),
      [metric, fn, request, maxPoints],
    ),
  );
  const labels = useAsync(useCallback(() => telemetry().listLabels(metricName), [metricName]));
  const alerts = useAsync(
    useCallback(() => telemetry().listAlerts({ metricName, start, end, limit: 500 }), [metricName, start, end]),
  );
  const baselines = useAsync(
    useCallback(
      () => (baselineKey !== null ? telemetry().getBaselines({ metricName }) : Promise.resolve([])),
      [metricName, baselineKey],
    ),
  );

  // A failed query shows nothing of the previous answer: the chart is cleared and the banner says why.
  const shown = results.error === undefined ? results.data : undefined;
  const series = useMemo(() => buildChartSeries(shown ?? []), [shown]);
  const hasDemo = series.some((s) => s.labels[DEMO_LABEL.name] === DEMO_LABEL.value);
  const shownAlerts = useMemo(
    () => (alerts.data ?? NO_ALERTS).filter((a) => series.some((s) => sameLabels(s.labels, a.labels))),
    [alerts.data, series],
  );
  // A baseline describes the stored values of one series: not a rate, a quantile or an aggregate.
  const baselineApplies = (fn === null || fn === 'cumulative') && aggregate === null;
  const band = useMemo(
    () => (baselineApplies ? baselineBand(series, baselines.data ?? [], baselineKey) : null),
    [baselineApplies, series, baselines.data, baselineKey],
  );
  const axis = useMemo(() => {
    const extent = seriesExtent(series);
    const low = Math.min(extent?.min ?? 0, band?.low ?? Infinity);
    const high = Math.max(extent?.max ?? 1, band?.high ?? -Infinity);
    return valueAxis(low, high, metric.unit, box.height, isPerSecond(fn));
  }, [series, band, metric.unit, box.height, fn]);

  const onAlertOpen = useCallback(
    (alert: Alert) => onRange(rangeAround(alert.timestamp, ALERT_WINDOW_MS, Date.now())),
    [onRange],
  );
  const inUse = results.data?.[0]?.resolution ?? null;
  const empty = !results.loading && results.error === undefined && series.every((s) => s.points === 0);

  return (
    <section className="metric-panel" aria-label={`Metric ${metricName}`}>
      <header className="panel-heading">
        <button type="button" className="button back-button" onClick={props.onOverview}>
          ← Overview
        </button>
        <h1 className="panel-title">{metricName}</h1>
        {hasDemo && (
          <span className="badge demo-badge" title='Series labelled source="demo": generated history, not measured'>
            Demo data
          </span>
        )}
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
      <div className="panel-subbar">
        <LabelFilters key={metricName} metricName={metricName} filters={filters} onChange={props.onFilters} />
        <div className="panel-options">
          <ChartControls
            type={metric.type}
            fn={fn}
            onFn={props.onFn}
            heatmap={heatmap}
            onHeatmap={setHeatmap}
            aggregate={aggregate}
            onAggregate={props.onAggregate}
            labels={labels.data ?? []}
          />
          {baselineApplies && <BaselineControl series={series} selected={baselineKey} onSelect={setBaselineKey} />}
          <ResolutionControl
            choice={choice}
            inUse={inUse}
            spanMs={end - start}
            plotWidth={box.width}
            onChoice={setChoice}
          />
        </div>
      </div>
      {results.error !== undefined && <ErrorBanner error={results.error} onRetry={results.reload} />}
      <ChartFrame
        frameRef={frameRef}
        size={size}
        label={`Chart of ${metricName}`}
        series={series}
        axis={axis}
        format={format}
        start={start}
        end={end}
        scheme={scheme}
        baseline={band}
        alerts={shownAlerts}
        loading={results.loading}
        onRange={setRange}
        onDragChange={setDragging}
        onAlertOpen={onAlertOpen}
        className="detail-chart"
      >
        {empty && (
          <div className="chart-empty">
            <p>No samples for this metric in the selected range.</p>
            <button
              type="button"
              className="button"
              onClick={() => setRange({ kind: 'relative', durationMs: 30 * DAY_MS })}
            >
              Show the last 30 days
            </button>
          </div>
        )}
      </ChartFrame>
      {heatmap && metric.type === 'histogram' && (
        <HistogramHeatmap metric={metric} request={request} width={size.width} scheme={scheme} />
      )}
      {series.some((s) => s.points > 0) && (
        <div className="legend-scroll">
          <LegendTable series={series} format={format} scheme={scheme} />
        </div>
      )}
      <p className="hint">
        Drag across the chart to zoom in, or focus it and use + and − to zoom and the arrow keys to move in time.
      </p>
    </section>
  );
}
