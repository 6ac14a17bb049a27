/**
 * The chart of an alert: the alerting series (one line each), the rule's threshold or the anomaly's
 * band, and the incidents' spans shaded. The spans are HTML boxes over the plot area (positioned
 * from the same geometry as the metrics chart), so they can be found and measured; `data-start`
 * and `data-end` on the chart and its spans say which times they stand for.
 */
import { useRef } from 'react';
import { CartesianGrid, ComposedChart, Line, ReferenceArea, ReferenceLine, XAxis, YAxis } from 'recharts';
import type { Severity, SeriesResult } from '../../../shared/panel-api.ts';
import { seriesName } from '../../../shared/incident-text.ts';
import { useColorScheme } from '../hooks/use-color-scheme.ts';
import { useElementWidth } from '../hooks/use-element-width.ts';
import { formatTick } from '../lib/format.ts';
import { CHROME, seriesColor, severityColor } from '../lib/palette.ts';
import { CHART_HEIGHT, MARGIN, X_AXIS_HEIGHT, Y_AXIS_WIDTH, plotBox, timeTicks } from '../metrics/chart-geometry.ts';

export interface Span {
  start: number;
  /** null: still going (drawn to the window's end). */
  end: number | null;
  severity: Severity;
}

interface Props {
  series: SeriesResult[];
  start: number;
  end: number;
  /** Formats a value on the y axis. */
  format: (value: number) => string;
  threshold?: number;
  band?: { low: number; high: number };
  spans: Span[];
  label: string;
}

export function AlertChart({ series, start, end, format, threshold, band, spans, label }: Props) {
  const scheme = useColorScheme();
  const ref = useRef<HTMLDivElement>(null);
  const width = useElementWidth(ref);
  const box = plotBox(width);
  const chrome = CHROME[scheme];
  const xOf = (t: number): number => ((Math.min(Math.max(t, start), end) - start) / (end - start)) * box.width;
  return (
    <div
      className="alert-chart"
      ref={ref}
      data-testid="alert-chart"
      data-start={start}
      data-end={end}
      aria-label={label}
      role="figure"
    >
      {width > 0 && (
        <ComposedChart width={width} height={CHART_HEIGHT} margin={MARGIN} accessibilityLayer={false}>
          <CartesianGrid stroke={chrome.grid} vertical={false} />
          <XAxis
            type="number"
            dataKey="timestamp"
            domain={[start, end]}
            allowDataOverflow
            ticks={timeTicks(start, end, box.width)}
            tickFormatter={(t: number) => formatTick(t, end - start)}
            height={X_AXIS_HEIGHT}
            stroke={chrome.grid}
            tick={{ fill: chrome.axis, fontSize: 11 }}
          />
          <YAxis
            width={Y_AXIS_WIDTH}
            domain={['auto', 'auto']}
            tickFormatter={format}
            stroke={chrome.grid}
            tick={{ fill: chrome.axis, fontSize: 11 }}
            axisLine={false}
            tickLine={false}
          />
          {band && (
            <ReferenceArea
              y1={band.low}
              y2={band.high}
              fill={seriesColor(scheme, 0)}
              fillOpacity={0.1}
              stroke={seriesColor(scheme, 0)}
              strokeOpacity={0.4}
              strokeDasharray="4 4"
              ifOverflow="extendDomain"
              className="alert-band"
            />
          )}
          {threshold !== undefined && (
            <ReferenceLine
              y={threshold}
              stroke={severityColor(scheme, spans[0]?.severity ?? 'warning')}
              strokeDasharray="6 3"
              ifOverflow="extendDomain"
              className="alert-threshold"
            />
          )}
          {series.map((s, i) => (
            <Line
              key={seriesName(s.metricName, s.labels)}
              data={s.points}
              dataKey="value"
              type="linear"
              stroke={seriesColor(scheme, i)}
              strokeWidth={1.5}
              dot={false}
              activeDot={false}
              isAnimationActive={false}
              className="series-line"
            />
          ))}
        </ComposedChart>
      )}
      <div className="alert-spans" style={{ left: box.left, top: box.top, width: box.width, height: box.height }}>
        {spans.map((span) => (
          <div
            key={span.start}
            className={`alert-span severity-${span.severity}`}
            data-testid="incident-span"
            data-start={span.start}
            data-end={span.end ?? end}
            style={{
              left: xOf(span.start),
              width: Math.max(1, xOf(span.end ?? end) - xOf(span.start)),
              background: severityColor(scheme, span.severity),
            }}
          />
        ))}
      </div>
      <ul className="alert-chart-legend">
        {series.map((s, i) => (
          <li key={seriesName(s.metricName, s.labels)} data-testid="alert-chart-series">
            <span className="swatch" style={{ background: seriesColor(scheme, i) }} />
            <span className="mono">{seriesName(s.metricName, s.labels)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
