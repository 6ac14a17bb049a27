/**
 * The Metrics tab: the metric list beside the selected metric's panel, or an empty state that
 * offers the demo history when the store holds nothing yet.
 */
import { lazy, Suspense, useCallback, type Dispatch, type SetStateAction } from 'react';
import { telemetry } from '../lib/api.ts';
import type { LabelFilter } from '../lib/label-filters.ts';
import type { TimeRange } from '../lib/time-range.ts';
import { useAction } from '../hooks/use-action.ts';
import { useAsync } from '../hooks/use-async.ts';
import { EmptyState, ErrorBanner } from '../components/Notice.tsx';
import { MetricList } from './MetricList.tsx';

// The panel draws with Recharts: loaded on its own so the first paint does not wait for the chart
// library (test/renderer-bundle.test.ts checks the entry chunk holds none of it).
const MetricPanel = lazy(() => import('./MetricPanel.tsx').then((module) => ({ default: module.MetricPanel })));

export interface MetricSelection {
  metric: string | null;
  range: TimeRange;
  filters: LabelFilter[];
}

interface Props {
  selection: MetricSelection;
  onSelection: Dispatch<SetStateAction<MetricSelection>>;
}

export function MetricsView({ selection, onSelection }: Props) {
  const metrics = useAsync(useCallback(() => telemetry().listMetrics(), []));
  const seed = useAction();
  const list = metrics.data ?? [];
  const current = list.find((m) => m.name === selection.metric) ?? list[0] ?? null;

  const loadDemo = () => seed.run(() => telemetry().loadDemoHistory().then(metrics.reload));

  if (metrics.error !== undefined) return <ErrorBanner error={metrics.error} onRetry={metrics.reload} />;
  if (metrics.data !== undefined && list.length === 0) {
    return (
      <EmptyState title="No metrics recorded yet" level={1}>
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
      <MetricList
        metrics={list}
        selected={current?.name ?? null}
        onSelect={(metric) => onSelection((s) => ({ ...s, metric, filters: [] }))}
      />
      <div className="metrics-main">
        {current !== null && (
          <Suspense fallback={<p className="muted chart-loading">Loading the chart…</p>}>
            <MetricPanel
              metric={current}
              range={selection.range}
              filters={selection.filters}
              onRange={(range) => onSelection((s) => ({ ...s, range }))}
              onFilters={(filters) => onSelection((s) => ({ ...s, filters }))}
            />
          </Suspense>
        )}
      </div>
    </div>
  );
}
