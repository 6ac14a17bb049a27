/**
 * Series and severity colours for both themes (Grafana's classic palette in the dark, deeper
 * tones in the light). SVG strokes are set by Recharts as attributes, so colours live here.
 */
import type { Alert } from '../../../shared/panel-api.ts';

export type ColorScheme = 'light' | 'dark';

const SERIES: Record<ColorScheme, readonly string[]> = {
  dark: ['#73bf69', '#5794f2', '#f2cc0c', '#ff9830', '#b877d9', '#f2495c', '#8ab8ff', '#96d98d', '#ffb357', '#ca95e5'],
  light: ['#37872d', '#1f60c4', '#c79600', '#e05a00', '#8f3bb8', '#c4162a', '#3274d9', '#56a64b', '#a16400', '#6e2a91'],
};

const SEVERITY: Record<ColorScheme, Record<Alert['severity'], string>> = {
  dark: { info: '#5794f2', warning: '#ff9830', critical: '#f2495c' },
  light: { info: '#1f60c4', warning: '#e05a00', critical: '#c4162a' },
};

export function seriesColor(scheme: ColorScheme, index: number): string {
  const palette = SERIES[scheme];
  return palette[index % palette.length]!;
}

/**
 * A series' colour index from its label set (FNV-1a of the sorted labels, its bits mixed by
 * MurmurHash3's finaliser), so a series keeps its colour whatever the order of the result or the
 * filters that leave other series out. Two series of one chart may share a colour: the chart
 * then dashes one of them (series.ts).
 */
export function colorIndexOf(labelsKey: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < labelsKey.length; i += 1) {
    hash ^= labelsKey.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) % SERIES.dark.length;
}

/** The CSS background of a series' legend swatch: its colour, broken up when the series is dashed. */
export function swatchBackground(scheme: ColorScheme, colorIndex: number, dash: string | undefined): string {
  const color = seriesColor(scheme, colorIndex);
  return dash === undefined ? color : `repeating-linear-gradient(90deg, ${color} 0 3px, transparent 3px 5px)`;
}

export function severityColor(scheme: ColorScheme, severity: Alert['severity']): string {
  return SEVERITY[scheme][severity];
}

export interface ChromeColors {
  grid: string;
  axis: string;
}

export const CHROME: Record<ColorScheme, ChromeColors> = {
  dark: { grid: '#2c3235', axis: '#8e8e9e' },
  light: { grid: '#e4e7eb', axis: '#6e7079' },
};
