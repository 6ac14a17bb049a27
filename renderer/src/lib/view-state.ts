/**
 * The Metrics view as an address: metric, range, label filters, function and aggregation kept in
 * the URL's hash (`#metric=cpu&range=6h&filter=host%3D~%22web-.*%22&fn=rate&agg=sum&by=host`), so a view
 * can be bookmarked, shared, reloaded and walked with back and forward. A relative range stays
 * relative (`range=6h`: the last six hours whenever the link is opened); an absolute one is kept as
 * two instants (`from`, `to`, ISO 8601 in UTC). Parsing checks every field and falls back to its
 * default when one is malformed, so a bad or foreign hash opens the default view, never an error.
 */
import type { AggregateOp, MetricQuery } from '../../../shared/panel-api.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS } from '../../../shared/constants.ts';
import type { LabelFilter } from './label-filters.ts';
import { DEFAULT_RANGE, MIN_SPAN_MS, type TimeRange } from './time-range.ts';

/** The functions a view may apply (the chart picks them; `buckets` is the heatmap's, not a view's). */
export type ViewFunction = { name: 'rate' } | { name: 'increase' } | { name: 'quantile'; q: number };

export interface ViewAggregate {
  op: AggregateOp;
  /** Label names kept; empty aggregates every series into one. */
  by: string[];
}

export interface ViewState {
  /** null: the first metric listed. */
  metric: string | null;
  range: TimeRange;
  filters: LabelFilter[];
  fn: ViewFunction | null;
  aggregate: ViewAggregate | null;
}

export const DEFAULT_VIEW: ViewState = { metric: null, range: DEFAULT_RANGE, filters: [], fn: null, aggregate: null };

/** The longest relative range a link may ask for (a year), and the most filters it may carry. */
const MAX_DURATION_MS = 365 * DAY_MS;
const MAX_FILTERS = 32;
const MAX_TEXT = 1024;

const METRIC_NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]{0,199}$/;
const LABEL_NAME = /^(?!__)[A-Za-z_][A-Za-z0-9_]{0,199}$/;
/** PromQL's form, `name op "value"` (the value a JSON string, so `="~x"` and `=~"x"` differ). */
const FILTER = /^([A-Za-z_][A-Za-z0-9_]*)(=~|!~|!=|=)("[\s\S]*")$/;
const AGGREGATE_OPS: readonly AggregateOp[] = ['sum', 'avg', 'min', 'max', 'count'];

const UNITS: readonly [string, number][] = [
  ['d', DAY_MS],
  ['h', HOUR_MS],
  ['m', MINUTE_MS],
  ['s', SECOND_MS],
];

/** 6 hours -> "6h", 90 minutes -> "90m", 7 days -> "7d": the largest unit that divides it (days from two on, as the presets say 24h). */
export function formatDuration(ms: number): string {
  const fits = ([unit, size]: [string, number]) => ms % size === 0 && (unit !== 'd' || ms >= 2 * DAY_MS);
  const [unit, size] = UNITS.find(fits) ?? ['s', SECOND_MS];
  return `${Math.round(ms / size)}${unit}`;
}

export function parseDuration(text: string): number | null {
  const match = /^([1-9][0-9]{0,8})([dhms])$/.exec(text);
  if (match === null) return null;
  const ms = Number(match[1]) * UNITS.find(([unit]) => unit === match[2])![1];
  return ms >= MIN_SPAN_MS && ms <= MAX_DURATION_MS ? ms : null;
}

/** An instant as ISO 8601 text or integer ms; null when it is neither or out of range. */
function parseInstant(text: string | null): number | null {
  if (text === null) return null;
  const ms = /^[0-9]{1,15}$/.test(text) ? Number(text) : /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN;
  return Number.isInteger(ms) && ms >= 0 && ms <= 253_402_300_799_999 ? ms : null;
}

function parseRange(params: URLSearchParams): TimeRange {
  const relative = params.get('range');
  if (relative !== null) {
    const durationMs = parseDuration(relative);
    return durationMs === null ? DEFAULT_RANGE : { kind: 'relative', durationMs };
  }
  const start = parseInstant(params.get('from'));
  const end = parseInstant(params.get('to'));
  return start !== null && end !== null && end - start >= MIN_SPAN_MS
    ? { kind: 'absolute', start, end }
    : DEFAULT_RANGE;
}

export function parseFilter(text: string): LabelFilter | null {
  const match = FILTER.exec(text);
  if (match === null) return null;
  const [, name, op, quoted] = match as unknown as [string, string, LabelFilter['op'], string];
  let value: unknown;
  try {
    value = JSON.parse(quoted);
  } catch {
    return null;
  }
  if (!LABEL_NAME.test(name) || typeof value !== 'string' || value.length > MAX_TEXT) return null;
  return { name, op, value };
}

export function formatFilter(f: LabelFilter): string {
  return `${f.name}${f.op}${JSON.stringify(f.value)}`;
}

function parseFilters(params: URLSearchParams): LabelFilter[] {
  const filters: LabelFilter[] = [];
  for (const text of params.getAll('filter').slice(0, MAX_FILTERS)) {
    const filter = parseFilter(text);
    if (filter !== null && !filters.some((f) => formatFilter(f) === formatFilter(filter))) filters.push(filter);
  }
  return filters;
}

function parseFunction(params: URLSearchParams): ViewFunction | null {
  const name = params.get('fn');
  if (name === 'rate' || name === 'increase') return { name };
  if (name !== 'quantile') return null;
  const q = Number(params.get('q'));
  return params.get('q') !== '' && q > 0 && q < 1 ? { name, q } : null;
}

function parseAggregate(params: URLSearchParams): ViewAggregate | null {
  const op = params.get('agg') as AggregateOp | null;
  if (op === null || !AGGREGATE_OPS.includes(op)) return null;
  const by = (params.get('by') ?? '').split(',').filter((name) => name !== '');
  return by.every((name) => LABEL_NAME.test(name)) ? { op, by: [...new Set(by)] } : null;
}

/** The query fields (`fn`, `q`, `aggregate`) of a view's function and aggregation. */
export function queryFunction(
  fn: ViewFunction | null,
  aggregate: ViewAggregate | null,
): Pick<MetricQuery, 'fn' | 'q' | 'aggregate'> {
  return {
    ...(fn === null ? {} : fn.name === 'quantile' ? { fn: fn.name, q: fn.q } : { fn: fn.name }),
    ...(aggregate === null ? {} : { aggregate: aggregate.by.length > 0 ? aggregate : { op: aggregate.op } }),
  };
}

/** The view a hash (with or without its `#`) describes; each malformed field takes its default. */
export function parseViewHash(hash: string): ViewState {
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(hash.replace(/^#/, ''));
  } catch {
    return DEFAULT_VIEW;
  }
  const metric = params.get('metric');
  return {
    metric: metric !== null && METRIC_NAME.test(metric) ? metric : null,
    range: parseRange(params),
    filters: parseFilters(params),
    fn: parseFunction(params),
    aggregate: parseAggregate(params),
  };
}

/** The hash for a view, `#` included. */
export function viewHash(view: ViewState): string {
  const params = new URLSearchParams();
  if (view.metric !== null) params.set('metric', view.metric);
  if (view.range.kind === 'relative') {
    params.set('range', formatDuration(view.range.durationMs));
  } else {
    params.set('from', new Date(view.range.start).toISOString());
    params.set('to', new Date(view.range.end).toISOString());
  }
  for (const f of view.filters) params.append('filter', formatFilter(f));
  if (view.fn !== null) {
    params.set('fn', view.fn.name);
    if (view.fn.name === 'quantile') params.set('q', String(view.fn.q));
  }
  if (view.aggregate !== null) {
    params.set('agg', view.aggregate.op);
    if (view.aggregate.by.length > 0) params.set('by', view.aggregate.by.join(','));
  }
  return `#${params.toString()}`;
}
