/**
 * Label sets and label matchers. A series' labels are kept in one canonical text form (JSON with
 * sorted keys, empty values dropped, as Prometheus treats an empty label as an absent one), and
 * query matchers follow PromQL: = != =~ !~, regexes fully anchored, a missing label matching ''.
 * Regexes use RE2's syntax and its linear-time engine (re2js), as PromQL does, so no pattern can
 * make a match backtrack for seconds; what RE2 leaves out (backreferences, lookaround) is refused.
 */
import { RE2JS } from 're2js';
import { InvalidQueryError } from '../errors.ts';
import type { LabelMatcher, LabelMatchers, Labels } from '../types.ts';

/** The canonical label set: sorted keys, no empty values. */
export function canonicalLabels(labels: Labels | undefined): Labels {
  const out: Labels = {};
  if (!labels) return out;
  for (const key of Object.keys(labels).sort()) {
    const value = labels[key]!;
    if (value !== '') out[key] = value;
  }
  return out;
}

/** Text in code-unit order (as `sort()` orders label names), not the locale's: label sets and their JSON. */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function labelsToJson(labels: Labels | undefined): string {
  return JSON.stringify(canonicalLabels(labels));
}

export type LabelPredicate = (labels: Labels) => boolean;

/** A whole-value matcher: RE2JS.matches() holds only when the pattern covers the entire value. */
function anchoredRegex(source: string): (value: string) => boolean {
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (err) {
    throw new InvalidQueryError(
      `invalid regular expression ${JSON.stringify(source)} (RE2 syntax, without backreferences or lookaround): ${(err as Error).message}`,
    );
  }
  return (value) => re.matches(value);
}

function compileOne(name: string, matcher: LabelMatcher): LabelPredicate {
  if (typeof matcher !== 'string' && (matcher === null || typeof matcher !== 'object')) {
    throw new InvalidQueryError(`matcher for label ${JSON.stringify(name)} needs a string value or { op, value }`);
  }
  const { op, value } = typeof matcher === 'string' ? { op: '=' as const, value: matcher } : matcher;
  if (typeof value !== 'string')
    throw new InvalidQueryError(`matcher for label ${JSON.stringify(name)} needs a string value`);
  // Own properties only: a label named like an Object.prototype member (toString) is absent unless set.
  const read = (labels: Labels): string => (Object.hasOwn(labels, name) ? labels[name]! : '');
  switch (op) {
    case '=':
      return (labels) => read(labels) === value;
    case '!=':
      return (labels) => read(labels) !== value;
    case '=~': {
      const matches = anchoredRegex(value);
      return (labels) => matches(read(labels));
    }
    case '!~': {
      const matches = anchoredRegex(value);
      return (labels) => !matches(read(labels));
    }
    default:
      throw new InvalidQueryError(`unknown matcher operator ${JSON.stringify(op)} for label ${JSON.stringify(name)}`);
  }
}

/** Every matcher must hold (each of a label's list too); labels not named are free. */
export function compileMatchers(matchers: LabelMatchers | undefined): LabelPredicate {
  if (matchers === undefined) return () => true;
  if (matchers === null || typeof matchers !== 'object' || Array.isArray(matchers)) {
    throw new InvalidQueryError('labels must be an object of label name -> matcher');
  }
  const predicates = Object.entries(matchers).flatMap(([name, m]) =>
    Array.isArray(m) ? m.map((one: LabelMatcher) => compileOne(name, one)) : [compileOne(name, m)],
  );
  return (labels) => predicates.every((p) => p(labels));
}

/** Throws the InvalidQueryError a query with these matchers would meet (a regex RE2 refuses, an unknown operator); else returns. */
export function checkLabelMatchers(matchers: LabelMatchers): void {
  compileMatchers(matchers);
}
