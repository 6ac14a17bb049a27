/**
 * The chart's fixed margins, shared by the Recharts chart and the HTML overlay above its plot area
 * (hover, drag-to-zoom, alert markers), plus time-axis ticks on round local times. The chart's
 * height is whatever its frame is given (the window's; styles.css keeps the detailed chart at least
 * 160 px tall).
 */
import { MINUTE_MS } from '../../../shared/constants.ts';
export const MARGIN = { top: 16, right: 20, bottom: 0, left: 0 } as const;
export const Y_AXIS_WIDTH = 72;
export const X_AXIS_HEIGHT = 28;

export interface PlotBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function plotBox(chartWidth: number, chartHeight: number): PlotBox {
  return {
    left: MARGIN.left + Y_AXIS_WIDTH,
    top: MARGIN.top,
    width: Math.max(0, chartWidth - MARGIN.left - Y_AXIS_WIDTH - MARGIN.right),
    height: Math.max(0, chartHeight - MARGIN.top - MARGIN.bottom - X_AXIS_HEIGHT),
  };
}

const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080].map((m) => m * MINUTE_MS);
const MIN_TICK_SPACING_PX = 110;

export function timeTicks(start: number, end: number, plotWidth: number): number[] {
  const span = end - start;
  if (span <= 0 || plotWidth <= 0) return [];
  const wanted = Math.max(2, Math.floor(plotWidth / MIN_TICK_SPACING_PX));
  const step = STEPS.find((s) => span / s <= wanted) ?? STEPS[STEPS.length - 1]!;
  const offset = new Date(start).getTimezoneOffset() * MINUTE_MS;
  const ticks: number[] = [];
  for (let t = Math.ceil((start - offset) / step) * step + offset; t <= end; t += step) ticks.push(t);
  return ticks;
}
