/**
 * The baseline band (mean ± zσ of the series' recent history, z the anomaly alerts' threshold, so the
 * band is exactly where they fire) for one chosen series at a time,
 * so bands never stack; a series whose values are all at or above zero gets its band clamped at
 * zero, so the band never drags a bytes or percent axis below it.
 */
import { ANOMALY_Z_THRESHOLD } from '../../../shared/constants.ts';
import type { Baseline } from '../../../shared/panel-api.ts';
import { sameLabels, type ChartSeries } from '../lib/series.ts';
import type { BaselineBand } from './MetricChart.tsx';

interface Props {
  series: ChartSeries[];
  /** The key of the series whose band is drawn; null: none. */
  selected: string | null;
  onSelect: (key: string | null) => void;
}

function chosenSeries(series: ChartSeries[], selected: string | null): ChartSeries | undefined {
  return selected === null ? undefined : (series.find((s) => s.key === selected) ?? series[0]);
}

export function baselineBand(
  series: ChartSeries[],
  baselines: Baseline[],
  selected: string | null,
): BaselineBand | null {
  const s = chosenSeries(series, selected);
  const baseline = s && baselines.find((b) => sameLabels(b.labels, s.labels));
  if (s === undefined || baseline === undefined) return null;
  const low = baseline.mean - ANOMALY_Z_THRESHOLD * baseline.stddev;
  const nonNegative = s.stats !== null && s.stats.min >= 0;
  return {
    colorIndex: s.colorIndex,
    low: nonNegative ? Math.max(0, low) : low,
    high: baseline.mean + ANOMALY_Z_THRESHOLD * baseline.stddev,
  };
}

export function BaselineControl({ series, selected, onSelect }: Props) {
  const current = chosenSeries(series, selected);
  return (
    <div className="baseline-control">
      <label className="check">
        <input
          type="checkbox"
          checked={selected !== null}
          onChange={(e) => onSelect(e.target.checked ? (series[0]?.key ?? '') : null)}
        />
        Baseline ±{ANOMALY_Z_THRESHOLD}σ
      </label>
      {selected !== null && series.length > 1 && (
        <select aria-label="Baseline of series" value={current?.key} onChange={(e) => onSelect(e.target.value)}>
          {series.map((s) => (
            <option key={s.key} value={s.key}>
              {s.name}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}
