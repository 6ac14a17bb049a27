/**
 * Alert rules and incidents on a real store: rules are validated with typed INVALID_ARGUMENT errors
 * (fields, functions that do not fit the metric's type, a bad regex), kept across reopening and by
 * retention; `for` keeps a rule pending; pausing, editing and deleting end ongoing incidents; a
 * preview equals what evaluation stores; a rule on an aggregation fires per group; anomaly checks
 * group consecutive breaching minutes into one incident with its baseline; acknowledging is
 * remembered; retention deletes ended incidents and alerts, deleting a series its incidents.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { StorageError, type AlertRule, type MetricSample } from '../storage/src/index.ts';
import { DAY, MINUTE, T0, openStore } from './support/store.ts';

const invalid = (err: unknown): boolean => err instanceof StorageError && err.code === 'INVALID_ARGUMENT';

const memRule: AlertRule = {
  name: 'memory high',
  metricName: 'mem_bytes',
  labels: { process: 'host' },
  op: '>',
  threshold: 500,
  forSeconds: 120,
  severity: 'critical',
};

/** One sample per minute for minutes [from, from + values.length). */
function minutes(name: string, labels: Record<string, string>, from: number, values: number[]): MetricSample[] {
  return values.map((value, i) => ({ name, labels, timestamp: T0 + (from + i) * MINUTE + 5_000, value }));
}

describe('alert rules: validation', () => {
  it('refuses malformed rules with INVALID_ARGUMENT naming the field, and stores nothing', async () => {
    const s = openStore({ now: () => T0 });
    try {
      await s.store.insertSamples([
        { name: 'mem_bytes', value: 1, timestamp: T0 - MINUTE },
        { name: 'req_total', value: 1, timestamp: T0 - MINUTE },
      ]);
      const bad: [Partial<AlertRule> | null, RegExp][] = [
        [null, /object/],
        [{ name: '' }, /name/],
        [{ metricName: 'not a name' }, /metricName/],
        [{ op: '>=' as never }, /op/],
        [{ threshold: Number.NaN }, /threshold/],
        [{ threshold: Number.POSITIVE_INFINITY }, /threshold/],
        [{ forSeconds: -1 }, /forSeconds/],
        [{ forSeconds: 1.5 }, /forSeconds/],
        [{ forSeconds: 86_401 }, /forSeconds/],
        [{ severity: 'page' as never }, /severity/],
        [{ enabled: 'yes' as never }, /enabled/],
        [{ fn: 'buckets' as never }, /fn must be one of rate, increase, quantile/],
        [{ fn: 'quantile', q: 1 }, /q must be/],
        [{ fn: 'quantile' }, /q must be/],
        [{ q: 0.5 }, /q is only/],
        [{ fn: 'rate' }, /rate.*mem_bytes.*gauge|gauge.*rate/],
        [{ metricName: 'req_total', fn: 'quantile', q: 0.9 }, /quantile/],
        [{ labels: { process: { op: '=~', value: '(a)\\1' } } }, /regex|backreference|RE2|invalid/i],
        [{ aggregate: { op: 'median' as never } }, /aggregation op/],
        [{ labels: { process: (() => 'host') as never } }, /labels/],
        [{ id: 99 }, /no rule with id 99/],
      ];
      for (const [patch, message] of bad) {
        const rule = patch === null ? null : { ...memRule, ...patch };
        assert.throws(
          () => s.store.saveAlertRule(rule as AlertRule),
          (err: unknown) => invalid(err) && message.test((err as Error).message),
          JSON.stringify(patch),
        );
      }
      assert.deepEqual(s.store.listAlertRules(), []);
      for (const id of [0, 1.5, 7]) assert.throws(() => s.store.deleteAlertRule(id), invalid);
      for (const id of [0, 7]) assert.throws(() => s.store.acknowledgeIncident(id), invalid);
      await assert.rejects(s.store.evaluateAlertRules(-5), invalid);
      assert.throws(() => s.store.previewAlertRule(memRule, { start: T0, end: T0 - 1 }), invalid);
      assert.throws(() => s.store.listIncidents({ state: 'open' as never }), invalid);
    } finally {
      s.cleanup();
    }
  });

  it('saves, lists, updates and deletes rules; they survive reopening and retention', async () => {
    const clock = { now: T0 };
    const s = openStore({ now: () => clock.now, retentionDays: 1 });
    try {
      const saved = s.store.saveAlertRule(memRule);
      assert.ok(saved.id! > 0);
      assert.deepEqual(saved, { ...memRule, id: saved.id, enabled: true });
      const renamed = s.store.saveAlertRule({ ...saved, name: 'memory very high', severity: 'warning' });
      assert.equal(renamed.id, saved.id);
      const store = s.reopen();
      clock.now = T0 + 40 * DAY;
      await store.applyRetention();
      assert.deepEqual(store.listAlertRules(), [renamed]);
      store.deleteAlertRule(saved.id!);
      assert.deepEqual(store.listAlertRules(), []);
    } finally {
      s.cleanup();
    }
  });
});

describe('alert rules: incidents', () => {
  it('keeps a rule pending for `for`, fires, resolves, and a preview equals the stored incidents', async () => {
    const clock = { now: T0 };
    const s = openStore({ now: () => clock.now });
    try {
      const values = [100, 600, 700, 100, 600, 650, 900, 800, 100, 100, 600];
      await s.store.insertSamples(minutes('mem_bytes', { process: 'host' }, 0, values));
      await s.store.insertSamples(minutes('mem_bytes', { process: 'main' }, 0, values)); // not selected
      const rule = s.store.saveAlertRule(memRule);
      clock.now = T0 + 5 * MINUTE + 30_000; // minutes 0-4 complete: 600, 700 fired at minute 2; 600 pending at 4
      const first = await s.store.evaluateAlertRules();
      assert.deepEqual(
        first.map((i) => [i.state, (i.start - T0) / MINUTE, i.end && (i.end - T0) / MINUTE]),
        [
          ['resolved', 1, 3],
          ['pending', 4, null],
        ],
      );
      assert.equal(first[0]?.firedAt, T0 + 2 * MINUTE);
      assert.equal(first[0]?.peak, 700);
      assert.equal(first[0]?.ruleName, 'memory high');
      assert.deepEqual(first[0]?.labels, { process: 'host' });
      clock.now = T0 + 11 * MINUTE;
      const second = await s.store.evaluateAlertRules();
      assert.deepEqual(
        second.map((i) => [i.state, (i.start - T0) / MINUTE, i.end && (i.end - T0) / MINUTE, i.peak]),
        [
          ['resolved', 4, 8, 900],
          ['pending', 10, null, 600],
        ],
      );
      assert.deepEqual(await s.store.evaluateAlertRules(), [], 'nothing new in the same minute');
      const stored = s.store.listIncidents();
      assert.deepEqual(
        stored.map((i) => i.start),
        [T0 + 10 * MINUTE, T0 + 4 * MINUTE, T0 + MINUTE],
        'newest first',
      );
      const preview = s.store.previewAlertRule(memRule, { start: T0, end: clock.now });
      const strip = ({ id: _id, acknowledged: _a, ruleId: _r, ruleName: _n, ...rest }: (typeof stored)[number]) => rest;
      assert.deepEqual(preview.map(strip), stored.map(strip));
      assert.equal(preview.filter((i) => i.firedAt !== null).length, 2, 'would have fired twice');

      s.store.acknowledgeIncident(stored[0]!.id);
      assert.deepEqual(
        s
          .reopen()
          .listIncidents()
          .map((i) => i.acknowledged),
        [true, false, false],
      );
      assert.equal(rule.id, s.store.listIncidents()[0]?.ruleId);
    } finally {
      s.cleanup();
    }
  });

  it("judges only minutes complete by the store's clock: a `now` ahead of it skips no minute still to come", async () => {
    const clock = { now: T0 + 2 * MINUTE + 30_000 };
    const s = openStore({ now: () => clock.now });
    try {
      await s.store.insertSamples(minutes('mem_bytes', { process: 'host' }, 0, [900, 900]));
      s.store.saveAlertRule({ ...memRule, forSeconds: 60 });
      const [firing] = await s.store.evaluateAlertRules(T0 + 10 * MINUTE);
      assert.deepEqual([firing?.state, firing?.end], ['firing', null], 'minutes 2 to 9 are not complete yet');
      await s.store.insertSamples(minutes('mem_bytes', { process: 'host' }, 2, [900, 900, 100]));
      clock.now = T0 + 6 * MINUTE;
      await s.store.evaluateAlertRules();
      assert.deepEqual(
        s.store.listIncidents().map((i) => [i.state, i.start, i.end]),
        [['resolved', T0, T0 + 4 * MINUTE]],
      );
    } finally {
      s.cleanup();
    }
  });

  it("never reuses a deleted rule's or incident's id: old incidents keep their own rule, new ones a new id", async () => {
    const clock = { now: T0 + 3 * MINUTE };
    const s = openStore({ now: () => clock.now });
    try {
      await s.store.insertSamples(minutes('mem_bytes', { process: 'host' }, 0, [900, 900, 900]));
      const first = s.store.saveAlertRule({ ...memRule, forSeconds: 0 });
      const [old] = await s.store.evaluateAlertRules();
      s.store.deleteAlertRule(first.id!);
      const second = s.store.saveAlertRule({ ...memRule, name: 'another', forSeconds: 0 });
      assert.notEqual(second.id, first.id, 'a new rule takes a fresh id');
      const kept = s.store.listIncidents().find((i) => i.id === old!.id);
      assert.deepEqual([kept?.ruleId, kept?.ruleName], [first.id, undefined], 'the old incident names no other rule');

      s.store.deleteSeries({ metricName: 'mem_bytes', labels: {} });
      await s.store.insertSamples(minutes('mem_bytes', { process: 'host' }, 3, [900]));
      clock.now = T0 + 4 * MINUTE;
      const [fresh] = await s.store.evaluateAlertRules();
      assert.ok(fresh !== undefined && fresh.id > old!.id, `a new incident takes a fresh id (${fresh?.id})`);
    } finally {
      s.cleanup();
    }
  });

  it('migrating a store written before ids were kept: a new rule starts past every rule id an incident names', () => {
    const s = openStore({ now: () => T0 });
    try {
      const kept = s.store.saveAlertRule(memRule);
      const latest = s.store.sql('PRAGMA user_version');
      s.store.close();
      // As migration 8 left it: no sequence; an incident of rule 5, deleted since.
      const raw = new Database(s.dbPath);
      raw.exec(`DELETE FROM sqlite_sequence; PRAGMA user_version = 8;
        INSERT INTO incidents (rule_id, kind, metric_name, labels, severity, state, start_ts, last_breach, peak, direction, threshold)
        VALUES (5, 'rule', 'mem_bytes', '{}', 'critical', 'resolved', ${T0}, ${T0}, 900, 'above', 500)`);
      raw.close();
      const store = s.reopen();
      assert.deepEqual(store.sql('PRAGMA user_version'), latest, 'migrated again to the latest version');
      assert.deepEqual(
        store.listAlertRules().map((r) => r.id),
        [kept.id],
        'rules are kept',
      );
      assert.equal(store.listIncidents()[0]?.ruleId, 5, 'incidents are kept');
      assert.equal(store.saveAlertRule({ ...memRule, name: 'new' }).id, 6);
    } finally {
      s.cleanup();
    }
  });

  it('ends ongoing incidents when a rule is paused, its condition edited or deleted; resumes at the current minute', async () => {
    const clock = { now: T0 };
    const s = openStore({ now: () => clock.now });
    try {
      await s.store.insertSamples(minutes('mem_bytes', { process: 'host' }, 0, Array(30).fill(900)));
      const rule = s.store.saveAlertRule({ ...memRule, forSeconds: 0 });
      clock.now = T0 + 5 * MINUTE;
      const [firing] = await s.store.evaluateAlertRules();
      assert.equal(firing?.state, 'firing');
      s.store.saveAlertRule({ ...rule, enabled: false });
      assert.deepEqual(
        s.store.listIncidents().map((i) => [i.state, i.end]),
        [['resolved', T0 + 5 * MINUTE]],
      );
      clock.now = T0 + 10 * MINUTE;
      assert.deepEqual(await s.store.evaluateAlertRules(), [], 'a paused rule is not evaluated');
      s.store.saveAlertRule({ ...rule, enabled: true });
      clock.now = T0 + 12 * MINUTE;
      const [resumed] = await s.store.evaluateAlertRules();
      assert.equal(resumed?.start, T0 + 10 * MINUTE, 'the paused minutes are not evaluated');
      s.store.saveAlertRule({ ...rule, threshold: 950 });
      assert.ok(s.store.listIncidents().every((i) => i.state === 'resolved'));
      clock.now = T0 + 14 * MINUTE;
      assert.deepEqual(await s.store.evaluateAlertRules(), [], '900 is below the new threshold');
      s.store.saveAlertRule({ ...rule, threshold: 100 });
      clock.now = T0 + 16 * MINUTE;
      await s.store.evaluateAlertRules();
      s.store.deleteAlertRule(rule.id!);
      const all = s.store.listIncidents();
      assert.ok(all.every((i) => i.state === 'resolved' && i.ruleName === undefined));
      assert.equal(all.length, 3);
    } finally {
      s.cleanup();
    }
  });

  it('evaluates a rate aggregated by a label: one incident per group', async () => {
    const clock = { now: T0 };
    const s = openStore({ now: () => clock.now });
    try {
      const counter = (labels: Record<string, string>, perMinute: number[]) => {
        let v = 0;
        return minutes(
          'req_total',
          labels,
          0,
          [0, ...perMinute].map((inc) => (v += inc)),
        );
      };
      await s.store.insertSamples([
        ...counter({ svc: 'api', pod: '1' }, [60, 60, 600, 600, 60]),
        ...counter({ svc: 'api', pod: '2' }, [60, 60, 600, 600, 60]),
        ...counter({ svc: 'web', pod: '1' }, [60, 60, 60, 60, 60]),
      ]);
      s.store.saveAlertRule({
        name: 'busy',
        metricName: 'req_total',
        fn: 'rate',
        aggregate: { op: 'sum', by: ['svc'] },
        op: '>',
        threshold: 15,
        forSeconds: 60,
        severity: 'warning',
      });
      clock.now = T0 + 6 * MINUTE;
      const incidents = await s.store.evaluateAlertRules();
      assert.deepEqual(
        incidents.map((i) => [i.labels, i.state, (i.start - T0) / MINUTE, (i.end! - T0) / MINUTE, i.peak]),
        [[{ svc: 'api' }, 'resolved', 3, 5, 20]],
      );
    } finally {
      s.cleanup();
    }
  });
});

describe('anomaly incidents', () => {
  it('groups consecutive breaching minutes of a series into one incident that names its baseline', async () => {
    const clock = { now: T0 + DAY };
    const s = openStore({ now: () => clock.now });
    try {
      // a day of values 10 ± 1, then 3 minutes far above, one normal, one far below
      const history = Array.from({ length: 24 * 60 }, (_, i) => 10 + (i % 2 === 0 ? 1 : -1));
      await s.store.insertSamples(minutes('lat', { svc: 'a' }, 0, history));
      await s.store.computeBaselines();
      const base = 24 * 60;
      await s.store.insertSamples(minutes('lat', { svc: 'a' }, base, [30, 40, 35, 10, 0]));
      clock.now = T0 + DAY + 5 * MINUTE;
      const incidents = await s.store.evaluateAlertRules();
      const at = (m: number) => T0 + (base + m) * MINUTE;
      assert.deepEqual(
        incidents.map((i) => [i.kind, i.direction, i.state, i.start, i.end, i.peak, i.severity]),
        [
          ['anomaly', 'above', 'resolved', at(0), at(3), 40, 'critical'],
          ['anomaly', 'below', 'firing', at(4), null, 0, 'critical'],
        ],
      );
      const [above] = incidents;
      assert.deepEqual(above?.anomaly, {
        mean: 10,
        stddev: 1,
        z: 3,
        windowStart: T0 + DAY - 7 * DAY,
        windowEnd: T0 + DAY,
        measure: 'value',
      });
      assert.equal(above?.threshold, 13);
      assert.equal(s.store.listAlerts().length, 4, 'one alert row per breaching minute');
      assert.match(s.store.listAlerts()[3]!.message!, /20\.0σ above the baseline mean 10 ± 3σ/);
      clock.now = T0 + DAY + 6 * MINUTE;
      assert.deepEqual(
        (await s.store.evaluateAlertRules()).map((i) => [i.state, i.end]),
        [['resolved', at(5)]],
        'a minute without data ends it',
      );
      s.store.deleteSeries({ metricName: 'lat', labels: {} });
      assert.deepEqual(s.store.listIncidents(), [], 'deleted with its series');
    } finally {
      s.cleanup();
    }
  });

  it('checks every minute from `since` on first detection (as after loading history)', async () => {
    const clock = { now: T0 + DAY };
    const s = openStore({ now: () => clock.now });
    try {
      const values = Array.from({ length: 24 * 60 }, (_, i) => 10 + (i % 2 === 0 ? 1 : -1));
      values[600] = 50;
      values[601] = 50;
      await s.store.insertSamples(minutes('lat', {}, 0, values));
      await s.store.computeBaselines();
      await s.store.detectAnomalies({ since: T0 });
      assert.deepEqual(
        s.store.listIncidents().map((i) => [i.start, i.end]),
        [[T0 + 600 * MINUTE, T0 + 602 * MINUTE]],
      );
    } finally {
      s.cleanup();
    }
  });
});

describe('alerting and retention', () => {
  it('deletes incidents and alerts that ended before the cutoff; keeps ongoing ones', async () => {
    const clock = { now: T0 };
    const s = openStore({ now: () => clock.now, retentionDays: 1 });
    try {
      await s.store.insertSamples([
        ...minutes('mem_bytes', { process: 'host' }, 0, [900, 900, 100]),
        ...minutes('mem_bytes', { process: 'host' }, 2 * 24 * 60 - 10, Array(20).fill(900)),
      ]);
      s.store.recordAlert({ metricName: 'mem_bytes', alertType: 'manual', severity: 'info', value: 1, threshold: 0 });
      s.store.saveAlertRule({ ...memRule, forSeconds: 0 });
      clock.now = T0 + 4 * MINUTE;
      await s.store.evaluateAlertRules();
      clock.now = T0 + 2 * DAY;
      await s.store.evaluateAlertRules();
      assert.deepEqual(
        s.store.listIncidents().map((i) => i.state),
        ['firing', 'resolved'],
      );
      await s.store.applyRetention();
      assert.deepEqual(
        s.store.listIncidents().map((i) => [i.state, i.start]),
        [['firing', T0 + (2 * 24 * 60 - 10) * MINUTE]],
      );
      assert.deepEqual(s.store.listAlerts(), []);
      assert.equal(s.store.listAlertRules().length, 1);
    } finally {
      s.cleanup();
    }
  });
});
