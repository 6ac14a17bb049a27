/**
 * A histogram's heatmap: one row per bucket (between two `le` bounds), one column per time bucket,
 * each cell shaded by how many observations fell in it per second (the engine's `buckets` of the
 * histogram, summed over its other labels; the cumulative `le` counts are differenced here).
 * Plain SVG rectangles on the same time axis as the chart above it.
 */
import { useCallback, useMemo } from 'react';
import type { MetricInfo, SeriesResult } from '../../../shared/panel-api.ts';
import { telemetry } from '../lib/api.ts';
import { heatmapQuery, type ChartRequest } from '../lib/chart-query.ts';
import { seriesColor, type ColorScheme } from '../lib/palette.ts';
import { bucketWidthMs } from '../lib/resolution.ts';
import { useAsync } from '../hooks/use-async.ts';
import { ErrorBanner } from '../components/Notice.tsx';
import { MARGIN, Y_AXIS_WIDTH, plotBox } from './chart-geometry.ts';

const ROW_PX = 16;
const LE_LABEL = 'le';

interface Props {
  metric: MetricInfo;
  request: ChartRequest;
  width: number;
  scheme: ColorScheme;
}

interface HeatmapCell {
  t: number;
  row: number;
  perSecond: number;
}

interface Heatmap {
  bounds: string[];
  widthMs: number;
  cells: HeatmapCell[];
  max: number;
}

/** An `le` bound as a number (`+Inf` and its spellings as Infinity). */
function boundOf(le: string | undefined): number {
  return le !== undefined && /inf/i.test(le) ? Infinity : Number(le);
}

function medianStep(times: number[]): number {
  const steps = times.slice(1).map((t, i) => t - times[i]!);
  return steps.sort((a, b) => a - b)[Math.floor(steps.length / 2)] ?? 0;
}

/** Differences the cumulative `le` series into per-bucket rates, row 0 the lowest bound. */
function toHeatmap(results: SeriesResult[]): Heatmap {
  const sorted = results
    .filter((r) => r.labels[LE_LABEL] !== undefined)
    .sort((a, b) => boundOf(a.labels[LE_LABEL]) - boundOf(b.labels[LE_LABEL]));
  const byTime = sorted.map((r) => new Map(r.points.map((p) => [p.timestamp, p.value])));
  const times = [...new Set(sorted.flatMap((r) => r.points.map((p) => p.timestamp)))].sort((a, b) => a - b);
  // A cell spans the bucket, or the histogram's own step when it is observed less often.
  const widthMs = Math.max(bucketWidthMs(sorted[0]?.resolution ?? 'raw') ?? 0, medianStep(times)) || 60_000;
  const cells: HeatmapCell[] = [];
  let max = 0;
  for (const t of times) {
    let below = 0;
    byTime.forEach((values, row) => {
      const cumulative = values.get(t) ?? below;
      const perSecond = Math.max(0, cumulative - below) / (widthMs / 1000);
      below = Math.max(below, cumulative);
      if (perSecond <= 0) return;
      cells.push({ t, row, perSecond });
      max = Math.max(max, perSecond);
    });
  }
  return { bounds: sorted.map((r) => r.labels[LE_LABEL] ?? ''), widthMs, cells, max };
}

export function HistogramHeatmap({ metric, request, width, scheme }: Props) {
  const results = useAsync(
    useCallback(
      () => (request.maxPoints > 0 ? telemetry().query(heatmapQuery(metric, request)) : Promise.resolve([])),
      [metric, request],
    ),
  );
  const heatmap = useMemo(() => toHeatmap(results.data ?? []), [results.data]);
  const rows = heatmap.bounds.length;
  const height = MARGIN.top + rows * ROW_PX + 4;
  const box = plotBox(width, height);
  const xOf = (t: number) => box.left + ((t - request.start) / (request.end - request.start)) * box.width;
  const cellWidth = Math.max(1, (heatmap.widthMs / (request.end - request.start)) * box.width);
  const yOf = (row: number) => MARGIN.top + (rows - 1 - row) * ROW_PX;
  const color = seriesColor(scheme, 1);

  if (results.error !== undefined) return <ErrorBanner error={results.error} onRetry={results.reload} />;
  return (
    <figure className="heatmap" aria-busy={results.loading}>
      <figcaption className="heatmap-caption">
        Observations per second in each bucket (rows: upper bound <code>le</code>; darker: more)
      </figcaption>
      {width > 0 && rows > 0 && (
        <svg
          width={width}
          height={height}
          role="img"
          aria-label={`Heatmap of ${metric.name}: ${rows} buckets, at most ${heatmap.max.toFixed(2)} observations per second in one`}
          data-testid="heatmap"
        >
          {heatmap.bounds.map((bound, row) => (
            <text
              key={bound}
              x={Y_AXIS_WIDTH - 6}
              y={yOf(row) + ROW_PX - 4}
              textAnchor="end"
              className="heatmap-bound"
              fontSize={10}
            >
              ≤ {bound}
            </text>
          ))}
          {heatmap.cells
            .filter((c) => c.t + heatmap.widthMs > request.start && c.t < request.end)
            .map((c) => (
              <rect
                key={`${c.t}-${c.row}`}
                x={Math.max(box.left, xOf(c.t))}
                y={yOf(c.row)}
                width={cellWidth}
                height={ROW_PX - 1}
                fill={color}
                fillOpacity={0.08 + 0.92 * Math.sqrt(c.perSecond / heatmap.max)}
                className="heatmap-cell"
              />
            ))}
        </svg>
      )}
    </figure>
  );
}
