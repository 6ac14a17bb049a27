/**
 * One metric on screen: time and resolution controls, label filters, the chart with its overlay
 * and the legend. Owns the queries (series, alerts, baselines) and live refresh.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import type { Alert, MetricInfo, SeriesResult } from '../../../shared/panel-api.ts';
import { isRetryable, telemetry } from '../lib/api.ts';
import { toMatchers, type LabelFilter } from '../lib/label-filters.ts';
import { isChoiceDrawable, type ResolutionChoice } from '../lib/resolution.ts';
import { buildChartSeries, sameLabels } from '../lib/series.ts';
import { ALERT_WINDOW_MS, rangeAround, resolveRange, zoomOut, zoomTo, type TimeRange } from '../lib/time-range.ts';
import { useAsync } from '../hooks/use-async.ts';
import { useColorScheme } from '../hooks/use-color-scheme.ts';
import { useElementWidth } from '../hooks/use-element-width.ts';
import { useLiveClock } from '../hooks/use-live-clock.ts';
import { ErrorBanner } from '../components/Notice.tsx';
import { CHART_HEIGHT, plotBox } from './chart-geometry.ts';
import { ChartOverlay } from './ChartOverlay.tsx';
import { LabelFilters } from './LabelFilters.tsx';
import { LegendTable } from './LegendTable.tsx';
import { MetricChart, type BaselineBand } from './MetricChart.tsx';
import { ResolutionControl } from './ResolutionControl.tsx';
import { TimeRangeBar } from './TimeRangeBar.tsx';
import { DAY_MS, DEMO_LABEL } from '../../../shared/constants.ts';
import { queryFunction, type ViewAggregate, type ViewFunction } from '../lib/view-state.ts';

const LIVE_INTERVAL_MS = 10_000;
const NO_ALERTS: Alert[] = [];
const NO_BASELINES: BaselineBand[] = [];

interface Props {
  metric: MetricInfo;
  range: TimeRange;
  filters: LabelFilter[];
  fn: ViewFunction | null;
  aggregate: ViewAggregate | null;
  /** Leave the demo history's series out (source!="demo"). */
  hideDemo: boolean;
  onRange: (range: TimeRange) => void;
  onFilters: (filters: LabelFilter[]) => void;
}

export function MetricPanel({ metric, range, filters, fn, aggregate, hideDemo, onRange, onFilters }: Props) {
  const scheme = useColorScheme();
  const frameRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(frameRef);
  const box = plotBox(width);
  const [choice, setChoice] = useState<ResolutionChoice>('auto');
  const [live, setLive] = useState(true);
  const [dragging, setDragging] = useState(false);
  const [showBaseline, setShowBaseline] = useState(false);
  const liveActive = live && range.kind === 'relative' && !dragging;
  const { now, refresh } = useLiveClock(liveActive, LIVE_INTERVAL_MS);
  const { start, end } = resolveRange(range, now);
  const aggregation = isChoiceDrawable(choice, end - start, box.width) ? choice : 'auto';
  const matchers = useMemo(() => toMatchers(filters, hideDemo), [filters, hideDemo]);
  const functionFields = useMemo(() => queryFunction(fn, aggregate), [fn, aggregate]);
  const metricName = metric.name;
  const maxPoints = box.width;

  const results = useAsync(
    useCallback(
      (): Promise<SeriesResult[]> =>
        maxPoints > 0
          ? telemetry().query({ metricName, start, end, labels: matchers, aggregation, maxPoints, ...functionFields })
          : Promise.resolve([]),
      [metricName, start, end, matchers, aggregation, maxPoints, functionFields],
    ),
  );
  const alerts = useAsync(
    useCallback(() => telemetry().listAlerts({ metricName, start, end, limit: 500 }), [metricName, start, end]),
  );
  const baselines = useAsync(
    useCallback(
      () => (showBaseline ? telemetry().getBaselines({ metricName }) : Promise.resolve([])),
      [metricName, showBaseline],
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
  const bands = useMemo((): BaselineBand[] => {
    if (!showBaseline || baselines.data === undefined) return NO_BASELINES;
    return series.flatMap((s) => {
      const b = baselines.data?.find((candidate) => sameLabels(candidate.labels, s.labels));
      return b === undefined
        ? []
        : [{ colorIndex: s.colorIndex, low: b.mean - 2 * b.stddev, high: b.mean + 2 * b.stddev }];
    });
  }, [showBaseline, baselines.data, series]);

  const setRange = (next: TimeRange) => {
    refresh();
    onRange(next);
  };
  const onZoom = useCallback((a: number, b: number) => onRange(zoomTo(a, b)), [onRange]);
  const onAlertOpen = useCallback(
    (alert: Alert) => onRange(rangeAround(alert.timestamp, ALERT_WINDOW_MS, Date.now())),
    [onRange],
  );
  const inUse = results.data?.[0]?.resolution ?? null;
  const empty = !results.loading && results.error === undefined && series.every((s) => s.points === 0);

  return (
    <section className="metric-panel" aria-label={`Metric ${metricName}`}>
      <header className="panel-toolbar">
        <h1 className="panel-title">{metricName}</h1>
        {hasDemo && (
          <span className="badge demo-badge" title='Series labelled source="demo": generated history, not measured'>
            Demo data
          </span>
        )}
        <TimeRangeBar
          range={range}
          now={now}
          live={live}
          liveActive={liveActive}
          onRange={setRange}
          onZoomOut={() => setRange(zoomOut(range, Date.now()))}
          onLive={setLive}
        />
      </header>
      <div className="panel-subbar">
        <LabelFilters key={metricName} metricName={metricName} filters={filters} onChange={onFilters} />
        <div className="panel-options">
          <label className="check">
            <input type="checkbox" checked={showBaseline} onChange={(e) => setShowBaseline(e.target.checked)} />
            Baseline ±2σ
          </label>
          <ResolutionControl
            choice={choice}
            inUse={inUse}
            spanMs={end - start}
            plotWidth={box.width}
            onChoice={setChoice}
          />
        </div>
      </div>
      {results.error !== undefined && (
        <ErrorBanner error={results.error} onRetry={isRetryable(results.error) ? results.reload : undefined} />
      )}
      <div className="chart-frame" ref={frameRef} style={{ height: CHART_HEIGHT }} aria-busy={results.loading}>
        {results.loading && <div className="loading-bar" aria-hidden="true" />}
        {width > 0 && (
          <MetricChart
            series={series}
            unit={metric.unit}
            start={start}
            end={end}
            width={width}
            scheme={scheme}
            baselines={bands}
            alerts={shownAlerts}
          />
        )}
        {width > 0 && (
          <ChartOverlay
            box={box}
            start={start}
            end={end}
            series={series}
            unit={metric.unit}
            scheme={scheme}
            alerts={shownAlerts}
            onZoom={onZoom}
            onDragChange={setDragging}
            onAlertOpen={onAlertOpen}
          />
        )}
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
      </div>
      {series.some((s) => s.points > 0) && <LegendTable series={series} unit={metric.unit} scheme={scheme} />}
      <p className="hint">
        Drag across the chart to zoom in. Alert markers sit on top of the chart; select one to centre on it.
      </p>
    </section>
  );
}
