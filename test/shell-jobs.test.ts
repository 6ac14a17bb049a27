/**
 * The host's job queue on a real store: the rollup job aggregates and compacts and records its
 * duration, retention deletes what is older than the setting and checkpoints, baselines and
 * anomaly detection run, start-up applies retention, work never overlaps, and a stopped queue
 * refuses new work after finishing what was queued.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { TimeSeriesStorage, type Labels } from '../storage/src/index.ts';
import { DEFAULT_JOB_TIMINGS, JobScheduler, type JobName } from '../electron/host/jobs.ts';
import { METRIC, type MetricName } from '../electron/collector/metric-catalog.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);

describe('job scheduler', () => {
  let dir: string;
  let store: TimeSeriesStorage;
  let jobs: JobScheduler;
  let failures: [JobName, unknown][];

  let recorded = 0;
  // Each recorded sample one millisecond after the last, as the host's clock would move on.
  const record = (name: MetricName, value: number, labels?: Labels): Promise<number> =>
    store.insertSamples([{ name, value, timestamp: NOW + recorded++, labels }]);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shell-jobs-'));
    store = new TimeSeriesStorage({ dbPath: join(dir, 'telemetry.db'), now: () => NOW, retentionDays: 3 });
    failures = [];
    jobs = new JobScheduler({ store, record, onError: (job, err) => failures.push([job, err]) });
    const samples = [];
    for (let t = NOW - 5 * DAY; t < NOW - 60_000; t += 60_000) {
      samples.push({ name: 'test_load_percent', value: 50 + 10 * Math.sin(t / 3_600_000), timestamp: t });
    }
    await store.insertSamples(samples);
  });

  afterEach(async () => {
    await jobs.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('rollup aggregates every interval, compacts and records its duration', async () => {
    await jobs.run('rollup');
    const stats = store.getStats();
    assert.equal(stats.lastRollup, NOW);
    const hourly = store.queryMetrics({
      metricName: 'test_load_percent',
      start: NOW - 5 * DAY,
      end: NOW,
      aggregation: '1h',
    });
    assert.equal(hourly[0]?.resolution, '1h');
    assert.equal(hourly[0]?.points.length, 5 * 24);
    const durations = store.queryMetrics({
      metricName: METRIC.rollupDuration,
      start: NOW,
      end: NOW + 1,
      aggregation: 'raw',
    });
    assert.equal(durations[0]?.points.length, 1);
    assert.ok((durations[0]?.points[0]?.value ?? -1) >= 0);
  });

  test('retention deletes what is older than the setting', async () => {
    const preview = store.previewRetention(3);
    assert.ok(preview.samples > 0);
    const before = store.getStats().samples;
    await jobs.run('retention');
    const stats = store.getStats();
    assert.equal(stats.samples, before - preview.samples);
    assert.ok((stats.oldest ?? 0) >= NOW - 3 * DAY);
    assert.equal(stats.lastRetention, NOW);
    assert.equal(stats.walBytes, 0, 'checkpointed after retention');
  });

  test('baselines and anomaly detection run on the store', async () => {
    await jobs.run('rollup');
    await jobs.run('baselines');
    assert.equal(store.getBaselines({ metricName: 'test_load_percent' }).length, 1);
  });

  test('start-up applies retention', async () => {
    jobs.start(DEFAULT_JOB_TIMINGS);
    await jobs.exclusive(async () => undefined);
    assert.equal(store.getStats().lastRetention, NOW);
    assert.deepEqual(failures, []);
  });

  test('a failing timer job is reported to onError, and the queue goes on', async () => {
    const failing = new JobScheduler({
      // The real store, except that its checkpoint fails.
      store: Object.create(store, {
        checkpoint: {
          value: () => {
            throw new Error('disk on fire');
          },
        },
      }) as TimeSeriesStorage,
      record,
      onError: (job, err) => failures.push([job, err]),
    });
    failing.start({ rollup: 3_600_000, baselines: 3_600_000, retention: 3_600_000, checkpoint: 1, alerts: 3_600_000 });
    while (!failures.some(([job]) => job === 'checkpoint')) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(await failing.exclusive(async () => 'still running'), 'still running');
    await failing.stop();
    assert.match(String(failures.find(([job]) => job === 'checkpoint')?.[1]), /disk on fire/);
  });

  test('a failing job is counted in telemetry_job_errors_total{job} and in the store health', async () => {
    // A rollup that fails whatever the data: a trigger on the store's own file refuses hourly buckets.
    const raw = new Database(join(dir, 'telemetry.db'));
    raw.exec(`CREATE TRIGGER refuse BEFORE INSERT ON rollup_1h BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    raw.close();
    await assert.rejects(jobs.run('rollup'), /refused/);
    await assert.rejects(jobs.run('rollup'), /refused/);
    const [errors] = store.queryMetrics({
      metricName: METRIC.jobErrors,
      start: NOW,
      end: NOW + 100,
      aggregation: 'raw',
    });
    assert.deepEqual(errors?.labels, { job: 'rollup' });
    assert.deepEqual(
      errors?.points.map((p) => p.value),
      [1, 2],
    );
    assert.deepEqual(
      store.getStats().problems.map((p) => [p.kind, p.subject]),
      [['job-failed', 'rollup']],
    );
  });

  test('work runs one at a time, in order', async () => {
    const log: string[] = [];
    const slow = jobs.exclusive(async () => {
      log.push('slow:start');
      await tick();
      await tick();
      log.push('slow:end');
    });
    const rollup = jobs.run('rollup').then(() => log.push('rollup'));
    const last = jobs.exclusive(async () => log.push('last'));
    await Promise.all([slow, rollup, last]);
    assert.deepEqual(log, ['slow:start', 'slow:end', 'rollup', 'last']);
  });

  test('stop waits for queued work, then refuses more', async () => {
    let finished = false;
    const queued = jobs.exclusive(async () => {
      await tick();
      finished = true;
    });
    await jobs.stop();
    assert.equal(finished, true);
    await queued;
    await assert.rejects(jobs.run('rollup'), { code: 'STORE_CLOSED' });
  });
});
