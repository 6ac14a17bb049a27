/**
 * Resolution choice: 'auto' lets the engine pick the finest rollup that fits the chart's width
 * (maxPoints = plot width in pixels); a manual override is offered only where it stays drawable.
 */
import type { Resolution } from '../../../shared/panel-api.ts';
import { HOUR_MS, INTERVAL_MS } from '../../../shared/constants.ts';

export type ResolutionChoice = 'auto' | Resolution;

export const RESOLUTION_CHOICES: readonly ResolutionChoice[] = ['auto', 'raw', '1m', '5m', '1h', '1d'];

/** The longest range for which raw samples are offered (their rate is unknown up front). */
const RAW_MAX_SPAN_MS = 6 * HOUR_MS;

/** A manual override may draw up to this many points per pixel before it is refused. */
const OVERRIDE_POINTS_PER_PIXEL = 4;

export function bucketWidthMs(resolution: Resolution): number | null {
  return resolution === 'raw' ? null : INTERVAL_MS[resolution];
}

/** Whether a manual choice stays within what Recharts can draw smoothly for this range and width. */
export function isChoiceDrawable(choice: ResolutionChoice, spanMs: number, plotWidth: number): boolean {
  if (choice === 'auto') return true;
  if (choice === 'raw') return spanMs <= RAW_MAX_SPAN_MS;
  return spanMs / INTERVAL_MS[choice] <= Math.max(plotWidth, 100) * OVERRIDE_POINTS_PER_PIXEL;
}
