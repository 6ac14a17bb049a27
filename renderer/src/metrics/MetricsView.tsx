/**
 * The Metrics tab: the metric list beside either the overview (every metric, or the pinned ones,
 * side by side) or the selected metric's panel; or an empty state that offers the demo history
 * when the store holds nothing yet.
 */
import { useCallback, type Dispatch, type SetStateAction } from 'react';
import { telemetry } from '../lib/api.ts';
import type { ChartAggregate, ChartFn } from '../lib/chart-query.ts';
import type { LabelFilter } from '../lib/label-filters.ts';
import type { TimeRange } from '../lib/time-range.ts';
import { useAction } from '../hooks/use-action.ts';
import { useAsync } from '../hooks/use-async.ts';
import { EmptyState, ErrorBanner } from '../components/Notice.tsx';
import { OverviewView } from '../overview/OverviewView.tsx';
import { MetricList } from './MetricList.tsx';
import { MetricPanel } from './MetricPanel.tsx';

export interface MetricSelection {
  /** The metric in the detailed view; null: the overview. */
  metric: string | null;
  range: TimeRange;
  filters: LabelFilter[];
  /** How the metric is drawn; absent: its type's default (a counter's rate, a histogram's quantiles). */
  fn?: ChartFn;
  /** An aggregation across series; absent or null: each series. */
  aggregate?: ChartAggregate | null;
}

interface Props {
  selection: MetricSelection;
  onSelection: Dispatch<SetStateAction<MetricSelection>>;
}

export function MetricsView({ selection, onSelection }: Props) {
  const metrics = useAsync(useCallback(() => telemetry().listMetrics(), []));
  const seed = useAction();
  const list = metrics.data ?? [];
  const current = list.find((m) => m.name === selection.metric) ?? null;
  const open = (metric: string | null) =>
    onSelection((s) => ({ ...s, metric, filters: [], fn: undefined, aggregate: null }));
  const setRange = useCallback((range: TimeRange) => onSelection((s) => ({ ...s, range })), [onSelection]);

  const loadDemo = () => seed.run(() => telemetry().loadDemoHistory().then(metrics.reload));

  if (metrics.error !== undefined) return <ErrorBanner error={metrics.error} onRetry={metrics.reload} />;
  if (metrics.data !== undefined && list.length === 0) {
    return (
      <EmptyState title="No metrics recorded yet">
        <p>
          Once the app records telemetry, each metric shows up here. To explore the panel now, load 30 days of demo
          history; you can remove it again in Settings.
        </p>
        <button type="button" className="button primary" onClick={loadDemo} disabled={seed.busy}>
          {seed.busy ? 'Loading demo history…' : 'Load demo history'}
        </button>
        {seed.error !== undefined && <ErrorBanner error={seed.error} />}
      </EmptyState>
    );
  }

  return (
    <div className="metrics-view">
      <MetricList metrics={list} selected={current?.name ?? null} onSelect={open} />
      <main className="metrics-main">
        {current !== null ? (
          <MetricPanel
            metric={current}
            range={selection.range}
            filters={selection.filters}
            fn={selection.fn}
            aggregate={selection.aggregate ?? null}
            onRange={setRange}
            onFilters={(filters) => onSelection((s) => ({ ...s, filters }))}
            onFn={(fn) => onSelection((s) => ({ ...s, fn }))}
            onAggregate={(aggregate) => onSelection((s) => ({ ...s, aggregate }))}
            onOverview={() => open(null)}
          />
        ) : (
          metrics.data !== undefined && (
            <OverviewView metrics={list} range={selection.range} onRange={setRange} onOpen={open} />
          )
        )}
      </main>
    </div>
  );
}
