/** The legend: one row per series with min, max, avg and last over the whole range. */
import type { Unit } from '../../../shared/panel-api.ts';
import { formatCount, formatValue } from '../lib/format.ts';
import { seriesColor, type ColorScheme } from '../lib/palette.ts';
import type { ChartSeries } from '../lib/series.ts';

interface Props {
  series: ChartSeries[];
  unit: Unit;
  scheme: ColorScheme;
}

export function LegendTable({ series, unit, scheme }: Props) {
  return (
    <table className="legend" aria-label="Series legend">
      <thead>
        <tr>
          <th scope="col">Series</th>
          <th scope="col">Min</th>
          <th scope="col">Max</th>
          <th scope="col">Avg</th>
          <th scope="col">Last</th>
          <th scope="col">Samples</th>
        </tr>
      </thead>
      <tbody>
        {series.map((s) => (
          <tr key={s.key} data-testid="legend-row">
            <th scope="row">
              <span className="swatch" style={{ background: seriesColor(scheme, s.colorIndex) }} />
              {s.name}
            </th>
            <td>{s.stats ? formatValue(s.stats.min, unit) : '–'}</td>
            <td>{s.stats ? formatValue(s.stats.max, unit) : '–'}</td>
            <td>{s.stats ? formatValue(s.stats.avg, unit) : '–'}</td>
            <td>{s.stats ? formatValue(s.stats.last, unit) : '–'}</td>
            <td>{s.stats ? formatCount(s.stats.samples) : '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
