/**
 * The alert history through the store, on a real SQLite file: recordAlert (increasing ids, labels,
 * message, default timestamp from the store's clock), listAlerts (newest first; start inclusive,
 * end exclusive, metric, severity, limit), typed INVALID_ARGUMENT errors for bad alerts and
 * filters with nothing stored, persistence across a reopen, and deletion by applyRetention.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError, type Alert, type AlertFilter, type NewAlert } from '../storage/src/index.ts';
import { DAY, HOUR, MINUTE, MODES, T0, openStore } from './support/store.ts';

const NOW = T0 + 40 * DAY + 5 * HOUR;

function isInvalidArgument(err: unknown): boolean {
  return err instanceof InvalidArgumentError && err.code === 'INVALID_ARGUMENT';
}

function storedCount(store: { sql(query: string): unknown[] }): number {
  return (store.sql('SELECT COUNT(*) AS n FROM alerts')[0] as { n: number }).n;
}

const SAMPLE_ALERTS: NewAlert[] = [
  {
    metricName: 'cpu',
    labels: { host: 'a' },
    alertType: 'threshold',
    severity: 'warning',
    value: 91.5,
    threshold: 90,
    timestamp: NOW - 5 * HOUR,
    message: 'cpu above 90 %',
  },
  {
    metricName: 'mem',
    labels: { host: 'a', zone: 'eu' },
    alertType: 'anomaly',
    severity: 'critical',
    value: 7.25,
    threshold: 4,
    timestamp: NOW - 4 * HOUR,
  },
  {
    metricName: 'cpu',
    labels: { host: 'b' },
    alertType: 'threshold',
    severity: 'info',
    value: 80,
    threshold: 75,
    timestamp: NOW - 3 * HOUR,
    message: 'note',
  },
  {
    metricName: 'cpu',
    alertType: 'anomaly',
    severity: 'critical',
    value: -3,
    threshold: -1.5,
    timestamp: NOW - 2 * HOUR,
  },
  {
    metricName: 'disk',
    labels: { dev: 'sda' },
    alertType: 'threshold',
    severity: 'warning',
    value: 0.99,
    threshold: 0.95,
    timestamp: NOW - HOUR,
  },
  // same instant as the previous one: the later id comes first
  {
    metricName: 'disk',
    labels: { dev: 'sdb' },
    alertType: 'threshold',
    severity: 'critical',
    value: 1,
    threshold: 0.95,
    timestamp: NOW - HOUR,
  },
];

describe('alert history', () => {
  it('deleteSeries deletes the alerts of the series it deletes, and only those', async () => {
    const s = openStore({ now: () => NOW });
    try {
      // A series for every alert, labels given in another key order than the alert's.
      await s.store.insertSamples(
        SAMPLE_ALERTS.map((a) => ({
          name: a.metricName,
          labels: Object.fromEntries(Object.entries(a.labels ?? {}).reverse()),
          value: 1,
          timestamp: NOW - DAY,
        })),
      );
      SAMPLE_ALERTS.forEach((a) => s.store.recordAlert(a));
      s.store.deleteSeries({ metricName: 'cpu', labels: { host: { op: '=~', value: 'a|' } } });
      s.store.deleteSeries({ labels: { zone: 'eu' } });
      const expected = SAMPLE_ALERTS.filter(
        (a) => !(a.metricName === 'cpu' && (a.labels?.host ?? '') !== 'b') && a.labels?.zone !== 'eu',
      );
      assert.deepEqual(
        s.store
          .listAlerts()
          .map((a) => `${a.metricName}${JSON.stringify(a.labels)}`)
          .sort(),
        expected.map((a) => `${a.metricName}${JSON.stringify(a.labels ?? {})}`).sort(),
      );
      assert.equal(expected.length, 3, 'cpu{host=b} and both disks remain');
    } finally {
      s.cleanup();
    }
  });

  it('records alerts with increasing ids, their labels, message and timestamp (default: now)', () => {
    const s = openStore({ now: () => NOW });
    try {
      const ids = SAMPLE_ALERTS.map((a) => s.store.recordAlert(a));
      for (let i = 1; i < ids.length; i++) assert.ok(ids[i]! > ids[i - 1]!, `ids increase: ${ids.join(', ')}`);
      const withDefault = s.store.recordAlert({
        metricName: 'net',
        alertType: 'threshold',
        severity: 'info',
        value: 1,
        threshold: 2,
        labels: { iface: 'en0', empty: '' },
      });
      assert.ok(withDefault > ids.at(-1)!);

      const byId = new Map(s.store.listAlerts().map((a) => [a.id, a]));
      assert.equal(byId.size, SAMPLE_ALERTS.length + 1);
      SAMPLE_ALERTS.forEach((a, i) => {
        assert.deepEqual(byId.get(ids[i]!), {
          id: ids[i]!,
          metricName: a.metricName,
          labels: a.labels ?? {},
          alertType: a.alertType,
          severity: a.severity,
          value: a.value,
          threshold: a.threshold,
          timestamp: a.timestamp!,
          message: a.message ?? null,
        } satisfies Alert);
      });
      const latest = byId.get(withDefault);
      assert.equal(latest?.timestamp, NOW, "the store's clock");
      assert.deepEqual(latest?.labels, { iface: 'en0' }, 'an empty label value is an absent label');
      assert.equal(latest?.message, null);

      // stored on disk, not just in memory
      const reopened = s.reopen();
      assert.deepEqual(
        reopened.listAlerts(),
        [...byId.values()].sort((x, y) => y.timestamp - x.timestamp || y.id - x.id),
      );
    } finally {
      s.cleanup();
    }
  });

  it('lists newest first and filters by start (inclusive), end (exclusive), metric, severity and limit', () => {
    const s = openStore({ now: () => NOW });
    try {
      const ids = SAMPLE_ALERTS.map((a) => s.store.recordAlert(a));
      const idsOf = (filter?: AlertFilter) => s.store.listAlerts(filter).map((a) => ids.indexOf(a.id));

      assert.deepEqual(idsOf(), [5, 4, 3, 2, 1, 0], 'newest first; the same instant by id, later first');
      assert.deepEqual(idsOf({ start: NOW - 3 * HOUR }), [5, 4, 3, 2], 'an alert exactly at start is included');
      assert.deepEqual(idsOf({ end: NOW - 3 * HOUR }), [1, 0], 'an alert exactly at end is excluded');
      assert.deepEqual(idsOf({ start: NOW - 4 * HOUR, end: NOW - HOUR }), [3, 2, 1]);
      assert.deepEqual(idsOf({ start: NOW - 4 * HOUR + 1, end: NOW - 4 * HOUR + 2 }), []);
      assert.deepEqual(idsOf({ metricName: 'cpu' }), [3, 2, 0]);
      assert.deepEqual(idsOf({ metricName: 'nope' }), []);
      assert.deepEqual(idsOf({ severity: 'critical' }), [5, 3, 1]);
      assert.deepEqual(idsOf({ severity: 'info' }), [2]);
      assert.deepEqual(idsOf({ metricName: 'cpu', severity: 'critical' }), [3]);
      assert.deepEqual(idsOf({ limit: 2 }), [5, 4], 'the newest ones');
      assert.deepEqual(idsOf({ limit: 1, severity: 'warning' }), [4]);
      assert.deepEqual(
        idsOf({ start: NOW - 5 * HOUR, end: NOW, metricName: 'disk', severity: 'critical', limit: 10 }),
        [5],
      );
    } finally {
      s.cleanup();
    }
  });

  it('rejects invalid alerts with INVALID_ARGUMENT and stores nothing', () => {
    const s = openStore({ now: () => NOW });
    try {
      s.store.recordAlert(SAMPLE_ALERTS[0]!);
      const good = SAMPLE_ALERTS[1]!;
      const bad: [string, unknown][] = [
        ['unknown severity', { ...good, severity: 'fatal' }],
        ['missing severity', { ...good, severity: undefined }],
        ['NaN value', { ...good, value: Number.NaN }],
        ['infinite value', { ...good, value: Number.POSITIVE_INFINITY }],
        ['NaN threshold', { ...good, threshold: Number.NaN }],
        ['string value', { ...good, value: '3' }],
        ['numeric label value', { ...good, labels: { host: 1 } }],
        ['null label value', { ...good, labels: { host: null } }],
        ['labels as an array', { ...good, labels: ['a'] }],
        ['empty metric name', { ...good, metricName: '' }],
        ['missing alert type', { ...good, alertType: undefined }],
        ['negative timestamp', { ...good, timestamp: -1 }],
        ['fractional timestamp', { ...good, timestamp: 1.5 }],
        ['message not a string', { ...good, message: 42 }],
        ['not an object', null],
      ];
      for (const [what, alert] of bad) {
        assert.throws(() => s.store.recordAlert(alert as NewAlert), isInvalidArgument, what);
        assert.equal(storedCount(s.store), 1, `${what}: nothing stored`);
      }
      assert.equal(s.store.listAlerts().length, 1);
    } finally {
      s.cleanup();
    }
  });

  it('rejects invalid filters with INVALID_ARGUMENT', () => {
    const s = openStore({ now: () => NOW });
    try {
      SAMPLE_ALERTS.forEach((a) => s.store.recordAlert(a));
      const bad: [string, unknown][] = [
        ['reversed range', { start: NOW, end: NOW - HOUR }],
        ['empty range', { start: NOW, end: NOW }],
        ['limit 0', { limit: 0 }],
        ['negative limit', { limit: -1 }],
        ['fractional limit', { limit: 1.5 }],
        ['limit above the maximum', { limit: 10_001 }],
        ['unknown severity', { severity: 'fatal' }],
        ['NaN start', { start: Number.NaN }],
        ['string end', { end: '5' }],
        ['empty metric name', { metricName: '' }],
        ['not an object', null],
      ];
      for (const [what, filter] of bad)
        assert.throws(() => s.store.listAlerts(filter as AlertFilter), isInvalidArgument, what);
      assert.equal(s.store.listAlerts({ limit: 10_000 }).length, SAMPLE_ALERTS.length, 'the largest limit is accepted');
    } finally {
      s.cleanup();
    }
  });
});

for (const mode of MODES) {
  describe(`alert retention (${mode.name})`, () => {
    it('deletes alerts older than the cutoff with applyRetention, and keeps the rest', async () => {
      let clock = NOW;
      const s = openStore({ enableCompression: mode.enableCompression, retentionDays: 30, now: () => clock });
      try {
        const cutoff = NOW - 30 * DAY;
        const at = (timestamp: number, metricName = 'cpu') =>
          s.store.recordAlert({
            metricName,
            alertType: 'threshold',
            severity: 'warning',
            value: 1,
            threshold: 0,
            timestamp,
          });
        const old = [at(cutoff - 10 * DAY), at(cutoff - 1)];
        const kept = [at(cutoff), at(cutoff + MINUTE), at(NOW)];
        // some samples too, so retention has data of every kind to go through
        await s.store.insertSamples(
          Array.from({ length: 50 }, (_, i) => ({ name: 'cpu', timestamp: cutoff - 25 * HOUR + i * HOUR, value: i })),
        );
        for (const interval of s.store.intervals) await s.store.aggregate(interval);
        await s.store.compact();

        const deleted = await s.store.applyRetention();
        assert.ok(deleted >= old.length + 25, `counts deleted samples and alerts (${deleted})`);
        assert.deepEqual(
          s.store
            .listAlerts()
            .map((a) => a.id)
            .sort((x, y) => x - y),
          kept,
        );
        assert.equal(storedCount(s.store), kept.length);

        clock = NOW + 30 * DAY - MINUTE; // the cutoff moves to NOW - 1 min: only the alert at NOW stays
        assert.ok((await s.store.applyRetention()) >= 2);
        assert.deepEqual(
          s.store.listAlerts().map((a) => a.id),
          [kept[2]],
        );
      } finally {
        s.cleanup();
      }
    });

    it('returns exactly the number of alerts deleted when there is nothing else to delete', async () => {
      const s = openStore({ enableCompression: mode.enableCompression, retentionDays: 7, now: () => NOW });
      try {
        for (let d = 1; d <= 10; d++)
          s.store.recordAlert({
            metricName: 'm',
            alertType: 'x',
            severity: 'info',
            value: d,
            threshold: 0,
            timestamp: NOW - d * DAY + 1,
          });
        assert.equal(await s.store.applyRetention(), 3, 'the alerts 8, 9 and 10 days old');
        assert.deepEqual(
          s.store.listAlerts().map((a) => a.value),
          [1, 2, 3, 4, 5, 6, 7],
        );
      } finally {
        s.cleanup();
      }
    });
  });
}
