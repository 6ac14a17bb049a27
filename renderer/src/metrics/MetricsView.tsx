/**
 * The Metrics tab: the metric list beside either the overview (every metric, or the pinned ones,
 * side by side) or the selected metric's panel; or an empty state while the store holds nothing
 * yet (the first-run banner above offers the demo history then).
 */
import { lazy, Suspense, useCallback, useEffect, type Dispatch, type SetStateAction } from 'react';
import { telemetry } from '../lib/api.ts';
import type { TimeRange } from '../lib/time-range.ts';
import type { ViewState } from '../lib/view-state.ts';
import { useAsync } from '../hooks/use-async.ts';
import { EmptyState, ErrorBanner } from '../components/Notice.tsx';
import { MetricList } from './MetricList.tsx';

// The charts draw with Recharts: loaded on their own so the first paint does not wait for the chart
// library (test/renderer-bundle.test.ts checks the entry chunk holds none of it).
const MetricPanel = lazy(() => import('./MetricPanel.tsx').then((module) => ({ default: module.MetricPanel })));
const OverviewView = lazy(() =>
  import('../overview/OverviewView.tsx').then((module) => ({ default: module.OverviewView })),
);

/** How often an empty store is asked again for its metrics (the collector's first write comes within 10 s). */
const EMPTY_POLL_MS = 5_000;

/** What the Metrics tab shows: the view kept in the address (lib/view-state.ts). */
export type MetricSelection = ViewState;

interface Props {
  selection: MetricSelection;
  onSelection: Dispatch<SetStateAction<MetricSelection>>;
  /** Leave the demo history's series out of the charts. */
  hideDemo: boolean;
}

export function MetricsView({ selection, onSelection, hideDemo }: Props) {
  const metrics = useAsync(useCallback(() => telemetry().listMetrics(), []));
  const list = metrics.data ?? [];
  const current = list.find((m) => m.name === selection.metric) ?? null;
  const waiting = metrics.data !== undefined && list.length === 0;
  const open = (metric: string | null) =>
    onSelection((s) => ({ ...s, metric, filters: [], fn: null, aggregate: null }));
  const setRange = useCallback((range: TimeRange) => onSelection((s) => ({ ...s, range })), [onSelection]);

  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(metrics.reload, EMPTY_POLL_MS);
    return () => clearInterval(timer);
  }, [waiting, metrics.reload]);

  if (metrics.error !== undefined) return <ErrorBanner error={metrics.error} onRetry={metrics.reload} />;
  if (waiting) {
    return (
      <EmptyState title="No metrics recorded yet" level={1}>
        <p>
          Once the app records telemetry, each metric shows up here, within seconds. To explore the panel now, load 30
          days of demo history; you can hide or remove it again at any time.
        </p>
      </EmptyState>
    );
  }

  return (
    <div className="metrics-view">
      <MetricList metrics={list} selected={current?.name ?? null} onSelect={open} />
      <div className="metrics-main">
        <Suspense fallback={<p className="muted chart-loading">Loading the charts…</p>}>
          {current !== null ? (
            <MetricPanel
              metric={current}
              range={selection.range}
              filters={selection.filters}
              fn={selection.fn}
              aggregate={selection.aggregate}
              hideDemo={hideDemo}
              onRange={setRange}
              onFilters={(filters) => onSelection((s) => ({ ...s, filters }))}
              onFn={(fn) => onSelection((s) => ({ ...s, fn }))}
              onAggregate={(aggregate) => onSelection((s) => ({ ...s, aggregate }))}
              onOverview={() => open(null)}
            />
          ) : (
            metrics.data !== undefined && (
              <OverviewView
                metrics={list}
                range={selection.range}
                hideDemo={hideDemo}
                onRange={setRange}
                onOpen={open}
              />
            )
          )}
        </Suspense>
      </div>
    </div>
  );
}
