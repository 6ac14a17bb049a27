/** The legend: one row per series with min, max, avg and last over the whole range. */
import { formatCount } from '../lib/format.ts';
import { swatchBackground, type ColorScheme } from '../lib/palette.ts';
import type { ChartSeries } from '../lib/series.ts';

interface Props {
  series: ChartSeries[];
  /** Formats a value in the chart's unit ("/s" for a rate). */
  format: (value: number) => string;
  scheme: ColorScheme;
}

export function LegendTable({ series, format, scheme }: Props) {
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
              <span className="swatch" style={{ background: swatchBackground(scheme, s.colorIndex, s.dash) }} />
              {s.name}
            </th>
            <td>{s.stats ? format(s.stats.min) : '–'}</td>
            <td>{s.stats ? format(s.stats.max) : '–'}</td>
            <td>{s.stats ? format(s.stats.avg) : '–'}</td>
            <td>{s.stats ? format(s.stats.last) : '–'}</td>
            <td>{s.stats ? formatCount(s.stats.samples) : '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
