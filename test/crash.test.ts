/**
 * Crash safety: a child process inserting batches is killed with SIGKILL at random moments, again
 * and again on the same database; every batch it reported as stored is found afterwards, exactly
 * once, and the reopened database passes integrity_check.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { TimeSeriesStorage } from '../storage/src/index.ts';
import { CRASH_BATCH_SIZE, CRASH_T0, crashBatch } from './support/crash-batches.ts';
import { MODES, rng, tempDir } from './support/store.ts';
import { join } from 'node:path';

const WRITER = fileURLToPath(new URL('./support/crash-writer.ts', import.meta.url));
const KILLS = 20;

/** Runs the writer until it has reported `atLeast` new batches plus a random delay, then SIGKILLs it. */
function runAndKill(dbPath: string, first: number, compression: boolean, delayMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dbPath, String(first), String(compression)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const reported: number[] = [];
    let buffered = '';
    let stderr = '';
    let armed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) if (line.startsWith('ok ')) reported.push(Number(line.slice(3)));
      if (!armed && reported.length > 0) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(reported);
      else reject(new Error(`writer exited by itself: ${stderr}`));
    });
  });
}

for (const mode of MODES) {
  describe(`crash safety (${mode.name})`, () => {
    it(`keeps every resolved batch through ${KILLS} SIGKILLs`, async () => {
      const { dir, cleanup } = tempDir('crash-');
      const dbPath = join(dir, 'telemetry.db');
      const next = rng(7);
      const confirmed = new Set<number>();
      let first = 0;
      try {
        for (let k = 0; k < KILLS; k++) {
          const reported = await runAndKill(dbPath, first, mode.enableCompression, Math.floor(next() * 400));
          for (const n of reported) confirmed.add(n);
          first = Math.max(first, ...reported) + 1;
        }
        const store = new TimeSeriesStorage({ dbPath, enableCompression: mode.enableCompression });
        try {
          const check = new Database(dbPath, { readonly: true });
          assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
          check.close();
          const points = store
            .queryMetrics({ metricName: 'crash_test_total', start: CRASH_T0, end: CRASH_T0 + 1e12, aggregation: 'raw' })
            .flatMap((r) => r.points.map((p) => ({ series: r.labels.series!, ...p })));
          const stored = new Map(points.map((p) => [`${p.series}|${p.timestamp}`, p.value]));
          assert.equal(stored.size, points.length, 'no sample is stored twice');
          for (const n of confirmed) {
            for (const s of crashBatch(n)) {
              assert.equal(stored.get(`${s.labels!.series}|${s.timestamp}`), s.value, `batch ${n} survived`);
            }
          }
          assert.equal(points.length % CRASH_BATCH_SIZE, 0, 'batches are stored whole or not at all');
          assert.ok(confirmed.size >= KILLS, `${confirmed.size} batches confirmed`);
        } finally {
          store.close();
        }
      } finally {
        cleanup();
      }
    });
  });
}
