/** Label filters as the user builds them (chips) and as the query wants them (one matcher per label). */
import type { LabelMatcher, MatchOp } from '../../../shared/panel-api.ts';

export interface LabelFilter {
  name: string;
  op: MatchOp;
  value: string;
}

export const MATCH_OPS: readonly MatchOp[] = ['=', '!=', '=~', '!~'];

export function isRegexOp(op: MatchOp): boolean {
  return op === '=~' || op === '!~';
}

/** Adds a filter, replacing any earlier one on the same label (the query takes one per label). */
export function withFilter(filters: LabelFilter[], filter: LabelFilter): LabelFilter[] {
  return [...filters.filter((f) => f.name !== filter.name), filter];
}

export function toMatchers(filters: LabelFilter[]): Record<string, LabelMatcher> | undefined {
  if (filters.length === 0) return undefined;
  return Object.fromEntries(filters.map((f) => [f.name, f.op === '=' ? f.value : { op: f.op, value: f.value }]));
}
