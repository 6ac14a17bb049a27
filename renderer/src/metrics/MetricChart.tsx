/**
 * The Recharts drawing of one metric: per series a min-max band and an average line (gaps stay
 * gaps), the optional baseline band of one series and alert lines, on a value axis with round
 * ticks in the metric's unit. Memoised and free of hover state, so moving the pointer never
 * re-renders the SVG; no animation (it costs with large series and makes every live refresh
 * redraw from scratch).
 */
import { memo } from 'react';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceArea,
  ReferenceLine,
  XAxis,
  YAxis,
  type DotItemDotProps,
} from 'recharts';
import type { Alert } from '../../../shared/panel-api.ts';
import { formatTick } from '../lib/format.ts';
import { CHROME, seriesColor, severityColor, type ColorScheme } from '../lib/palette.ts';
import { isIsolated, type ChartSeries } from '../lib/series.ts';
import type { ValueAxis } from '../lib/value-axis.ts';
import { MARGIN, X_AXIS_HEIGHT, Y_AXIS_WIDTH, plotBox, timeTicks } from './chart-geometry.ts';

export interface BaselineBand {
  colorIndex: number;
  low: number;
  high: number;
}

interface Props {
  series: ChartSeries[];
  axis: ValueAxis;
  start: number;
  end: number;
  width: number;
  height: number;
  scheme: ColorScheme;
  baseline: BaselineBand | null;
  alerts: Alert[];
}

type DotArgs = Pick<DotItemDotProps, 'index' | 'cx' | 'cy'>;

/** Draws a dot only where a point has no neighbour to form a line with. */
function isolatedDot({ index, cx, cy }: DotArgs, series: ChartSeries, color: string) {
  return isIsolated(series.rows, index) ? (
    <circle key={index} cx={cx} cy={cy} r={2.5} fill={color} />
  ) : (
    <g key={index} />
  );
}

function MetricChartImpl({ series, axis, start, end, width, height, scheme, baseline, alerts }: Props) {
  const chrome = CHROME[scheme];
  const tickStyle = { fill: chrome.axis, fontSize: 11 };
  return (
    <ComposedChart width={width} height={height} margin={MARGIN} accessibilityLayer={false}>
      <CartesianGrid stroke={chrome.grid} vertical={false} />
      <XAxis
        type="number"
        dataKey="t"
        domain={[start, end]}
        allowDataOverflow
        ticks={timeTicks(start, end, plotBox(width, height).width)}
        tickFormatter={(t: number) => formatTick(t, end - start)}
        height={X_AXIS_HEIGHT}
        stroke={chrome.grid}
        tick={tickStyle}
      />
      <YAxis
        width={Y_AXIS_WIDTH}
        type="number"
        domain={axis.domain}
        ticks={axis.ticks}
        interval={0}
        allowDataOverflow
        tickFormatter={axis.format}
        stroke={chrome.grid}
        tick={tickStyle}
        axisLine={false}
        tickLine={false}
      />
      {baseline !== null && (
        <ReferenceArea
          y1={baseline.low}
          y2={baseline.high}
          fill={seriesColor(scheme, baseline.colorIndex)}
          fillOpacity={0.08}
          stroke={seriesColor(scheme, baseline.colorIndex)}
          strokeOpacity={0.35}
          strokeDasharray="4 4"
          className="baseline-band"
        />
      )}
      {series.map((s) => (
        <Area
          key={`band-${s.key}`}
          data={s.rows}
          dataKey="band"
          type="linear"
          stroke="none"
          fill={seriesColor(scheme, s.colorIndex)}
          fillOpacity={0.16}
          connectNulls={false}
          activeDot={false}
          isAnimationActive={false}
          className="series-band"
        />
      ))}
      {series.map((s) => (
        <Line
          key={`line-${s.key}`}
          data={s.rows}
          dataKey="avg"
          name={s.name}
          type="linear"
          stroke={seriesColor(scheme, s.colorIndex)}
          strokeDasharray={s.dash}
          strokeWidth={1.5}
          dot={s.hasIsolated ? (dot: DotArgs) => isolatedDot(dot, s, seriesColor(scheme, s.colorIndex)) : false}
          activeDot={false}
          connectNulls={false}
          isAnimationActive={false}
          className="series-line"
        />
      ))}
      {alerts.map((alert) => (
        <ReferenceLine
          key={`alert-${alert.id}`}
          x={alert.timestamp}
          stroke={severityColor(scheme, alert.severity)}
          strokeDasharray="3 3"
          ifOverflow="hidden"
        />
      ))}
    </ComposedChart>
  );
}

export const MetricChart = memo(MetricChartImpl);
