/**
 * What alerting costs on the 30-day demo history (about 920,000 samples, 26 baselines): computing
 * the baselines, checking the last week against them (what loading the demo history does), a new
 * rule's first evaluation (a week of 1m buckets) and the host's per-minute evaluation afterwards.
 *
 *   node --import tsx bench/alerts.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ALERT_LOOKBACK_DAYS, DAY_MS, MINUTE_MS, TimeSeriesStorage } from '../storage/src/index.ts';
import { loadDemoHistory } from '../electron/demo/demo-history.ts';
import { DEMO_RULES } from '../electron/demo/demo-alerts.ts';

async function timed(label: string, work: () => unknown): Promise<void> {
  const started = performance.now();
  const result = await work();
  const count = Array.isArray(result) ? `, ${result.length} found` : '';
  console.log(`${label}: ${(performance.now() - started).toFixed(1)} ms${count}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-alerts-'));
  let now = Date.UTC(2026, 10, 30, 12, 0, 0);
  const store = new TimeSeriesStorage({ dbPath: join(dir, 'telemetry.db'), now: () => now });
  try {
    await loadDemoHistory(store, { end: now });
    await timed('computeBaselines', () => store.computeBaselines());
    await timed(`detectAnomalies over the last ${ALERT_LOOKBACK_DAYS} days`, () =>
      store.detectAnomalies({ since: now - ALERT_LOOKBACK_DAYS * DAY_MS }),
    );
    for (const rule of DEMO_RULES) store.saveAlertRule(rule);
    await timed("a new rule's first evaluateAlertRules", () => store.evaluateAlertRules());
    for (let minute = 1; minute <= 3; minute++) {
      now += MINUTE_MS;
      await timed(`evaluateAlertRules, minute ${minute} after`, () => store.evaluateAlertRules());
    }
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
