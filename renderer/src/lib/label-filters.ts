/**
 * Label filters as the user builds them (chips, several per label allowed) and as the query wants
 * them: one matcher per label, or a list when a label has several conditions (all must hold). The
 * demo switch adds `source!="demo"` beside the user's own conditions.
 */
import type { LabelMatcher, LabelMatchers, MatchOp } from '../../../shared/panel-api.ts';
import { DEMO_LABEL } from '../../../shared/constants.ts';

export interface LabelFilter {
  name: string;
  op: MatchOp;
  value: string;
}

export const MATCH_OPS: readonly MatchOp[] = ['=', '!=', '=~', '!~'];

export function isRegexOp(op: MatchOp): boolean {
  return op === '=~' || op === '!~';
}

function sameFilter(a: LabelFilter, b: LabelFilter): boolean {
  return a.name === b.name && a.op === b.op && a.value === b.value;
}

/** Adds a condition beside the others (on the same label too); one already there is not added twice. */
export function withFilter(filters: LabelFilter[], filter: LabelFilter): LabelFilter[] {
  return filters.some((f) => sameFilter(f, filter)) ? filters : [...filters, filter];
}

export function withoutFilter(filters: LabelFilter[], filter: LabelFilter): LabelFilter[] {
  return filters.filter((f) => !sameFilter(f, filter));
}

export function toMatcher(filter: LabelFilter): LabelMatcher {
  return filter.op === '=' ? filter.value : { op: filter.op, value: filter.value };
}

/** The demo history's series left out: `source!="demo"`. */
const HIDE_DEMO: LabelFilter = { name: DEMO_LABEL.name, op: '!=', value: DEMO_LABEL.value };

/** The query's matchers: the filters grouped by label (a list where a label has several), plus the demo switch's. */
export function toMatchers(filters: LabelFilter[], hideDemo = false): LabelMatchers | undefined {
  const all = hideDemo ? withFilter(filters, HIDE_DEMO) : filters;
  if (all.length === 0) return undefined;
  const byLabel = new Map<string, LabelMatcher[]>();
  for (const f of all) byLabel.set(f.name, [...(byLabel.get(f.name) ?? []), toMatcher(f)]);
  return Object.fromEntries([...byLabel].map(([name, list]) => [name, list.length === 1 ? list[0]! : list]));
}
