/**
 * The incident and rule-preview chart, loaded on first use: it draws with Recharts, which the first
 * paint must not wait for (test/renderer-bundle.test.ts).
 */
import { lazy, Suspense, type ComponentProps } from 'react';

const Chart = lazy(() => import('./AlertChart.tsx').then((module) => ({ default: module.AlertChart })));

export function AlertChart(props: ComponentProps<typeof Chart>) {
  return (
    <Suspense fallback={<p className="muted chart-loading">Loading the chart…</p>}>
      <Chart {...props} />
    </Suspense>
  );
}
