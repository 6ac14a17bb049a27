/**
 * Series and severity colours for both themes (Grafana's classic palette in the dark, deeper
 * tones in the light). SVG strokes are set by Recharts as attributes, so colours live here.
 */
import type { Alert } from '../../../shared/panel-api.ts';

export type ColorScheme = 'light' | 'dark';

const SERIES: Record<ColorScheme, readonly string[]> = {
  dark: ['#73bf69', '#5794f2', '#f2cc0c', '#ff9830', '#b877d9', '#f2495c', '#8ab8ff', '#96d98d'],
  light: ['#37872d', '#1f60c4', '#c79600', '#e05a00', '#8f3bb8', '#c4162a', '#3274d9', '#56a64b'],
};

const SEVERITY: Record<ColorScheme, Record<Alert['severity'], string>> = {
  dark: { info: '#5794f2', warning: '#ff9830', critical: '#f2495c' },
  light: { info: '#1f60c4', warning: '#e05a00', critical: '#c4162a' },
};

export function seriesColor(scheme: ColorScheme, index: number): string {
  const palette = SERIES[scheme];
  return palette[index % palette.length]!;
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
