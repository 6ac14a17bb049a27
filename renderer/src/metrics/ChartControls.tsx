/**
 * How a metric is drawn: for a counter, its rate per second or its cumulative value; for a
 * histogram, the optional heatmap under its quantile lines; for any metric, an aggregation across
 * series (sum, avg, min or max) keeping the labels chosen.
 */
import type { LabelInfo, MetricType } from '../../../shared/panel-api.ts';
import {
  CHART_AGGREGATE_OPS,
  CHART_FNS,
  chartFnsFor,
  type ChartAggregate,
  type ChartAggregateOp,
  type ChartFn,
} from '../lib/chart-query.ts';

interface Props {
  type: MetricType;
  fn: ChartFn | null;
  onFn: (fn: ChartFn) => void;
  heatmap: boolean;
  onHeatmap: (on: boolean) => void;
  aggregate: ChartAggregate | null;
  onAggregate: (aggregate: ChartAggregate | null) => void;
  /** The metric's labels, offered as the "by" of an aggregation. */
  labels: LabelInfo[];
}

/** Labels that make no sense to keep in an aggregation of a histogram's quantiles or rates. */
const HIDDEN_BY_LABELS: ReadonlySet<string> = new Set(['le']);

export function ChartControls({ type, fn, onFn, heatmap, onHeatmap, aggregate, onAggregate, labels }: Props) {
  const fns = chartFnsFor(type);
  const byChoices = labels.map((l) => l.name).filter((name) => !HIDDEN_BY_LABELS.has(name));
  const toggleBy = (name: string, on: boolean) => {
    if (aggregate === null) return;
    const by = on ? [...aggregate.by, name].sort() : aggregate.by.filter((b) => b !== name);
    onAggregate({ ...aggregate, by });
  };

  return (
    <div className="chart-controls">
      {fns.length > 1 && (
        <div className="segmented" role="group" aria-label="Show as">
          {fns.map((choice) => (
            <button key={choice} type="button" aria-pressed={fn === choice} onClick={() => onFn(choice)}>
              {CHART_FNS[choice]}
            </button>
          ))}
        </div>
      )}
      {type === 'histogram' && (
        <label className="check">
          <input type="checkbox" checked={heatmap} onChange={(e) => onHeatmap(e.target.checked)} />
          Heatmap
        </label>
      )}
      <label className="aggregate-op">
        <span className="visually-hidden">Aggregate series</span>
        <select
          aria-label="Aggregate series"
          value={aggregate?.op ?? ''}
          onChange={(e) =>
            onAggregate(
              e.target.value === '' ? null : { op: e.target.value as ChartAggregateOp, by: aggregate?.by ?? [] },
            )
          }
        >
          <option value="">Each series</option>
          {CHART_AGGREGATE_OPS.map((op) => (
            <option key={op} value={op}>
              {op}
            </option>
          ))}
        </select>
      </label>
      {aggregate !== null && byChoices.length > 0 && (
        <fieldset className="aggregate-by">
          <legend>by</legend>
          {byChoices.map((name) => (
            <label key={name} className="check">
              <input
                type="checkbox"
                checked={aggregate.by.includes(name)}
                onChange={(e) => toggleBy(name, e.target.checked)}
              />
              {name}
            </label>
          ))}
        </fieldset>
      )}
    </div>
  );
}
