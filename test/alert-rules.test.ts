/**
 * Alert rule evaluation against a direct computation from the raw samples (fast-check, fixed
 * seed): random gauge or counter samples on two series (each its own incidents, or summed into
 * one), some arriving minutes late, the store
 * evaluated at random instants (with maintenance in between or not). After every evaluation the
 * stored incidents equal what a plain reading of the rule gives: each minute judged once, by the
 * first evaluation after it is complete, on the samples that had arrived by then (a gauge's 1m
 * average, a counter's reset-aware increase over the minute / 60 s); consecutive breaching minutes
 * one run; firing once they cover `for`; resolved at the first minute that no longer breaches; a
 * run that ends before firing is no incident. Also: the late-data choice on a worked example.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { AlertRule, Incident, MetricSample } from '../storage/src/index.ts';
import { MINUTE, T0, openStore } from './support/store.ts';

const MINUTES = 16;
const SETS = ['a', 'b'] as const;

interface Arrival {
  sample: MetricSample;
  arrives: number;
}

interface ExpectedIncident {
  labels: { set?: string };
  state: Incident['state'];
  start: number;
  end: number | null;
  firedAt: number | null;
  peak: number;
}

/** The rule's value of minute `m` of one series from the samples given (undefined: no sample in it). */
function minuteValue(kind: 'gauge' | 'counter', samples: MetricSample[], m: number): number | undefined {
  const sorted = [...samples].sort((a, b) => a.timestamp - b.timestamp);
  const inMinute = sorted.filter((s) => s.timestamp >= m && s.timestamp < m + MINUTE);
  if (inMinute.length === 0) return undefined;
  if (kind === 'gauge') return inMinute.reduce((sum, s) => sum + s.value, 0) / inMinute.length;
  let increase = 0;
  for (const s of inMinute) {
    const before = sorted[sorted.indexOf(s) - 1];
    if (before) increase += s.value >= before.value ? s.value - before.value : s.value;
  }
  return increase / 60;
}

/** The incidents of one series, from its minute verdicts in order (value when breaching). */
function expectedRuns(
  set: string | undefined,
  verdicts: { minute: number; breach: number | undefined }[],
  rule: AlertRule,
): ExpectedIncident[] {
  const out: ExpectedIncident[] = [];
  const needed = Math.max(1, Math.ceil(rule.forSeconds / 60));
  let run: ExpectedIncident | undefined;
  let length = 0;
  for (const { minute, breach } of verdicts) {
    if (breach === undefined) {
      if (run?.firedAt != null) out.push({ ...run, state: 'resolved', end: minute });
      run = undefined;
      length = 0;
      continue;
    }
    length++;
    if (!run)
      run = {
        labels: set === undefined ? {} : { set },
        state: 'pending',
        start: minute,
        end: null,
        firedAt: null,
        peak: breach,
      };
    run.peak = rule.op === '>' ? Math.max(run.peak, breach) : Math.min(run.peak, breach);
    if (length === needed) run.firedAt = minute;
    run.state = run.firedAt === null ? 'pending' : 'firing';
  }
  if (run) out.push(run);
  return out;
}

function comparable(incidents: (Incident | ExpectedIncident)[]) {
  return incidents
    .map(({ labels, state, start, end, firedAt, peak }) => ({ set: labels.set, state, start, end, firedAt, peak }))
    .sort((a, b) => (a.set ?? '').localeCompare(b.set ?? '') || a.start - b.start);
}

const scenario = fc.record({
  kind: fc.constantFrom<'gauge' | 'counter'>('gauge', 'counter'),
  samples: fc.array(
    fc.record({
      set: fc.constantFrom(...SETS),
      at: fc.nat(MINUTES * MINUTE - 1),
      value: fc.nat(20),
      late: fc.oneof(fc.constant(0), fc.nat(4 * MINUTE)),
    }),
    { maxLength: 60 },
  ),
  evaluations: fc.uniqueArray(fc.integer({ min: 1, max: MINUTES + 4 }), { minLength: 1, maxLength: 8 }),
  offsets: fc.array(fc.nat(MINUTE - 1), { minLength: 8, maxLength: 8 }),
  maintain: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  op: fc.constantFrom<'>' | '<'>('>', '<'),
  threshold: fc.integer({ min: 0, max: 20 }),
  forMinutes: fc.nat(4),
  summed: fc.boolean(),
});

/** The rule's value of minute `m`: per set, or summed across the sets that have one (none: no value). */
function ruleValue(
  kind: 'gauge' | 'counter',
  arrived: MetricSample[],
  set: string | undefined,
  m: number,
): number | undefined {
  if (set !== undefined)
    return minuteValue(
      kind,
      arrived.filter((x) => x.labels!.set === set),
      m,
    );
  const values = SETS.map((s) => ruleValue(kind, arrived, s, m)).filter((v) => v !== undefined);
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0);
}

describe('alert rules: evaluation', () => {
  it('matches a direct computation from the raw samples at every evaluation (late data judged as it had arrived)', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const clock = { now: T0 };
        const s = openStore({ now: () => clock.now, autoMaintenance: false });
        try {
          const name = sc.kind === 'counter' ? 'prop_total' : 'prop_gauge';
          // A counter's values only grow per series, except where the draw makes them drop (a reset).
          const arrivals: Arrival[] = sc.samples.map((x) => ({
            sample: { name, labels: { set: x.set }, timestamp: T0 + x.at, value: x.value },
            arrives: T0 + x.at + x.late,
          }));
          const rule: AlertRule = {
            name: 'prop',
            metricName: name,
            ...(sc.kind === 'counter' ? { fn: 'rate' as const } : {}),
            ...(sc.summed ? { aggregate: { op: 'sum' as const } } : {}),
            op: sc.op,
            threshold: sc.kind === 'counter' ? sc.threshold / 60 : sc.threshold,
            forSeconds: sc.forMinutes * 60,
            severity: 'warning',
          };
          s.store.saveAlertRule(rule);
          const groups = sc.summed ? [undefined] : [...SETS];
          const verdicts = new Map<string | undefined, { minute: number; breach: number | undefined }[]>(
            groups.map((set) => [set, []]),
          );
          let judgedTo = T0;
          const times = [...sc.evaluations].sort((a, b) => a - b);
          for (const [k, minute] of times.entries()) {
            const at = T0 + minute * MINUTE + sc.offsets[k]!;
            const arrived = arrivals.filter((a) => a.arrives <= at).map((a) => a.sample);
            const fresh = arrivals.filter((a) => a.arrives <= at && a.arrives > clock.now).map((a) => a.sample);
            clock.now = at;
            if (fresh.length) await s.store.insertSamples(fresh);
            if (sc.maintain[k]) await s.store.rollUpAndCompact();
            await s.store.evaluateAlertRules(at);
            const to = Math.floor(at / MINUTE) * MINUTE;
            for (const set of groups) {
              for (let m = judgedTo; m < to; m += MINUTE) {
                const value = ruleValue(sc.kind, arrived, set, m);
                const breaches =
                  value !== undefined && (rule.op === '>' ? value > rule.threshold : value < rule.threshold);
                verdicts.get(set)!.push({ minute: m, breach: breaches ? value : undefined });
              }
            }
            judgedTo = Math.max(judgedTo, to);
            const expected = groups.flatMap((set) => expectedRuns(set, verdicts.get(set)!, rule));
            assert.deepEqual(
              comparable(s.store.listIncidents()),
              comparable(expected),
              `after evaluating at ${at - T0}`,
            );
          }
        } finally {
          s.cleanup();
        }
      }),
      { seed: 20_261_130, numRuns: 25 },
    );
  });

  it('never rewrites a minute already judged: a late sample changes only minutes not yet evaluated', async () => {
    const clock = { now: T0 + 3 * MINUTE };
    const s = openStore({ now: () => clock.now });
    try {
      s.store.saveAlertRule({
        name: 'hot',
        metricName: 'temp',
        op: '>',
        threshold: 50,
        forSeconds: 0,
        severity: 'critical',
      });
      await s.store.insertSamples(
        [0, 1, 2].map((m) => ({ name: 'temp', timestamp: T0 + m * MINUTE + 1_000, value: 10 })),
      );
      assert.deepEqual(await s.store.evaluateAlertRules(), [], 'three quiet minutes');
      // late: minute 1 would now average 55 (judged already), minute 3 (not judged yet) averages 100
      await s.store.insertSamples([
        { name: 'temp', timestamp: T0 + MINUTE + 2_000, value: 100 },
        { name: 'temp', timestamp: T0 + 3 * MINUTE + 2_000, value: 100 },
      ]);
      clock.now = T0 + 4 * MINUTE;
      const [incident] = await s.store.evaluateAlertRules();
      assert.equal(incident?.start, T0 + 3 * MINUTE, 'the late sample of minute 1 changed nothing');
      assert.equal(incident?.state, 'firing');
      assert.equal(incident?.peak, 100);
      assert.equal(s.store.listIncidents().length, 1);
    } finally {
      s.cleanup();
    }
  });
});
