/**
 * Crash safety of retention: a child process applying retention is killed with SIGKILL at random
 * moments within the time an uncrashed run takes, each time on a fresh copy of the same store (the
 * uncrashed run is checked too). The store it leaves passes integrity_check
 * and keeps every sample from the cutoff on exactly once (what lies before it may be partly gone);
 * a retention run after the crash then finishes the job: nothing before the cutoff is left (nor a
 * readable copy of a deleted series' label in the file), and the hourly buckets count what they did.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { TimeSeriesStorage, type MetricSample } from '../storage/src/index.ts';
import { DAY, HOUR, MINUTE, MODES, T0, fileContains, regularSamples, rng, tempDir } from './support/store.ts';

const CHILD = fileURLToPath(new URL('./support/retention-child.ts', import.meta.url));
const KILLS = 3;
/** Retention can take a few milliseconds, so a kill may come too late: more tries, earlier, until one lands mid-way. */
const MAX_TRIES = 12;
const DAYS = 2;
const NOW = T0 + 2 * DAYS * DAY + 30 * MINUTE; // the cutoff falls inside an hour and a chunk window
const CUTOFF = NOW - DAYS * DAY;
const SECRET = 'host-SECRET-5e02b9';

/** 20 series over the whole span, and one (with the secret label) only before the cutoff. */
function workload(): MetricSample[] {
  const series = Array.from({ length: 20 }, (_, k) => ({ name: `m${k % 4}`, labels: { k: String(k) } }));
  const span = (NOW - T0) / MINUTE;
  return [
    ...regularSamples(series, T0, span, MINUTE, (k, i) => k * 1e6 + i),
    ...regularSamples([{ name: 'm0', labels: { host: SECRET } }], T0, DAY / MINUTE, MINUTE, (_, i) => i),
  ];
}

/**
 * Runs retention in a child and kills it `delayMs` after it says it started (never when undefined);
 * resolves the milliseconds from its start to its end, or undefined when the kill came first.
 */
function retainAndKill(dbPath: string, compression: boolean, delayMs?: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', CHILD, dbPath, String(compression), String(NOW), String(DAYS)];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    let started = 0;
    let took: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (started === 0 && out.includes('start')) {
        started = performance.now();
        if (delayMs !== undefined) setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
      if (took === undefined && out.includes('done')) took = performance.now() - started;
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL' || took !== undefined) resolve(took);
      else reject(new Error(`the retention child failed: ${stderr}`));
    });
  });
}

function rawPoints(store: TimeSeriesStorage): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const name of ['m0', 'm1', 'm2', 'm3']) {
    for (const r of store.queryMetrics({ metricName: name, start: 0, end: NOW + DAY, aggregation: 'raw' })) {
      out.set(
        `${name}${JSON.stringify(r.labels)}`,
        r.points.map((p) => p.timestamp),
      );
    }
  }
  return out;
}

for (const mode of MODES) {
  describe(`retention crash safety (${mode.name})`, () => {
    it(`leaves a consistent store through ${KILLS} SIGKILLs, and the next retention finishes the job`, async () => {
      const { dir, cleanup } = tempDir('retention-crash-');
      const template = join(dir, 'template.db');
      const dbPath = join(dir, 'telemetry.db');
      const open = () =>
        new TimeSeriesStorage({
          dbPath,
          enableCompression: mode.enableCompression,
          retentionDays: DAYS,
          autoMaintenance: false,
          now: () => NOW,
        });
      try {
        const samples = workload();
        const built = new TimeSeriesStorage({ dbPath: template, enableCompression: mode.enableCompression });
        await built.insertSamples(samples);
        await built.rollUpAndCompact();
        built.checkpoint();
        built.close();
        const kept = new Map<string, number[]>();
        for (const s of samples) {
          if (s.timestamp < CUTOFF) continue;
          const key = `${s.name}${JSON.stringify(s.labels)}`;
          kept.set(key, [...(kept.get(key) ?? []), s.timestamp]);
        }
        const hourOfCutoff = Math.floor(CUTOFF / HOUR) * HOUR;
        const hourlyCount = samples.filter((s) => s.timestamp >= hourOfCutoff && s.name === 'm1').length;

        // A first run is not killed: it finishes, and says how long a child's retention takes.
        const next = rng(11);
        let took = 0;
        let killedMidway = 0;
        for (let k = 0; k <= KILLS || (killedMidway === 0 && k <= MAX_TRIES); k++) {
          for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
          copyFileSync(template, dbPath);
          const delay = k === 0 ? undefined : Math.floor(next() * (k <= KILLS ? 0.8 : 0.3) * took);
          const finished = await retainAndKill(dbPath, mode.enableCompression, delay);
          if (k === 0) took = finished!;
          else if (finished === undefined) killedMidway++;

          const check = new Database(dbPath, { readonly: true });
          assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
          check.close();
          const store = open();
          try {
            for (const [key, timestamps] of rawPoints(store)) {
              assert.equal(new Set(timestamps).size, timestamps.length, `${key}: no sample twice`);
              assert.deepEqual(
                timestamps.filter((ts) => ts >= CUTOFF),
                kept.get(key) ?? [],
                `${key}: every sample from the cutoff on`,
              );
            }
            await store.applyRetention();
            const after = rawPoints(store);
            assert.deepEqual([...after.keys()].sort(), [...kept.keys()].sort(), 'the emptied series is gone');
            for (const [key, timestamps] of after) assert.deepEqual(timestamps, kept.get(key), key);
            const hourly = store.queryMetrics({ metricName: 'm1', start: 0, end: NOW + DAY, aggregation: '1h' });
            const counted = hourly.flatMap((r) => r.points).reduce((n, p) => n + p.count!, 0);
            assert.equal(counted, hourlyCount, 'the buckets from the one holding the cutoff on, whole');
          } finally {
            store.close();
          }
          assert.equal(fileContains(dbPath, SECRET), false, 'no copy of the deleted label in the file');
          assert.equal(fileContains(`${dbPath}-wal`, SECRET), false, 'nor in the WAL');
        }
        assert.ok(killedMidway > 0, 'at least one kill landed before retention finished');
      } finally {
        cleanup();
      }
    });
  });
}
