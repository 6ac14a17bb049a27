/**
 * The Metrics tab: the metric list beside the selected metric's panel, or an empty state while
 * the store holds nothing yet (the first-run banner above offers the demo history then).
 */
import { lazy, Suspense, useCallback, useEffect, type Dispatch, type SetStateAction } from 'react';
import { telemetry } from '../lib/api.ts';
import type { ViewState } from '../lib/view-state.ts';
import { useAsync } from '../hooks/use-async.ts';
import { EmptyState, ErrorBanner } from '../components/Notice.tsx';
import { MetricList } from './MetricList.tsx';

// The panel draws with Recharts: loaded on its own so the first paint does not wait for the chart
// library (test/renderer-bundle.test.ts checks the entry chunk holds none of it).
const MetricPanel = lazy(() => import('./MetricPanel.tsx').then((module) => ({ default: module.MetricPanel })));

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
  const current = list.find((m) => m.name === selection.metric) ?? list[0] ?? null;
  const waiting = metrics.data !== undefined && list.length === 0;

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
      <MetricList
        metrics={list}
        selected={current?.name ?? null}
        onSelect={(metric) => onSelection((s) => ({ ...s, metric, filters: [], fn: null, aggregate: null }))}
      />
      <div className="metrics-main">
        {current !== null && (
          <Suspense fallback={<p className="muted chart-loading">Loading the chart…</p>}>
            <MetricPanel
              metric={current}
              range={selection.range}
              filters={selection.filters}
              fn={selection.fn}
              aggregate={selection.aggregate}
              hideDemo={hideDemo}
              onRange={(range) => onSelection((s) => ({ ...s, range }))}
              onFilters={(filters) => onSelection((s) => ({ ...s, filters }))}
            />
          </Suspense>
        )}
      </div>
    </div>
  );
}
