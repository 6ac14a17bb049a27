/** The export form's choices and how they become an ExportRequest. */
import type { ExportRequest, Resolution } from '../../../shared/panel-api.ts';
import { fromLocalInput } from '../lib/time-range.ts';
import { DAY_MS } from '../../../shared/constants.ts';

export type ExportSpan = 'all' | '24h' | '7d' | '30d' | 'custom';

export interface ExportChoices {
  span: ExportSpan;
  from: string;
  to: string;
  source: Resolution;
  anonymize: boolean;
  keepLabels: string[];
  /** Also export the demo history (source="demo"); off unless asked. */
  includeDemo: boolean;
}

export const DEFAULT_CHOICES: ExportChoices = {
  span: 'all',
  from: '',
  to: '',
  source: 'raw',
  anonymize: true,
  keepLabels: [],
  includeDemo: false,
};

export const SPAN_LABELS: Record<ExportSpan, string> = {
  all: 'Everything stored',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  custom: 'Custom range',
};

const SPAN_MS: Record<'24h' | '7d' | '30d', number> = {
  '24h': DAY_MS,
  '7d': 7 * DAY_MS,
  '30d': 30 * DAY_MS,
};

/** The request for these choices, or a message saying what to fix. */
export function toExportRequest(choices: ExportChoices, now: number): ExportRequest | string {
  const request: ExportRequest = {
    source: choices.source,
    anonymize: choices.anonymize,
    includeDemo: choices.includeDemo,
  };
  if (choices.anonymize && choices.keepLabels.length > 0) request.keepLabels = choices.keepLabels;
  if (choices.span === 'custom') {
    const start = fromLocalInput(choices.from);
    const end = fromLocalInput(choices.to);
    if (start === null || end === null || start >= end) return 'Choose a start before the end.';
    return { ...request, start, end };
  }
  if (choices.span !== 'all') return { ...request, start: now - SPAN_MS[choices.span], end: now };
  return request;
}

export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
