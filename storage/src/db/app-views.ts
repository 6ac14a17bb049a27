/**
 * The app connection's views over compacted data. The tier-derived rollups (`metrics_1m`,
 * `metrics_5m`: nothing of them is stored) are computed from the head's rows that compaction has
 * not moved and from the tier's samples, and with compression `metrics_raw` stored in the file
 * covers only what is not in chunks yet; TEMP views of the same names, which SQLite resolves
 * before the stored ones, add the decoded chunks (the `chunk_samples` function), so the app's own
 * connection sees everything. The plain sqlite3 shell sees the stored views (migration 13).
 */
import type { Db } from './connection.ts';
import { UNMOVED_HEAD_ROW } from '../head/head.ts';
import { sqlSum } from '../rollup/bucket-math.ts';
import { INTERVAL_MS, type Interval } from '../types.ts';

function derivedRollupView(interval: Interval): string {
  const width = INTERVAL_MS[interval];
  const sum = sqlSum('SUM(b.sum)');
  return `CREATE TEMP VIEW metrics_${interval} (metric_name, bucket, count, sum, min, max, avg, labels) AS
    SELECT s.metric_name, b.slot * ${width}, SUM(b.count), ${sum}, MIN(b.min), MAX(b.max), ${sum} / SUM(b.count), s.labels
    FROM (
      SELECT series_id, ts / ${width} AS slot, COUNT(*) AS count, ${sqlSum('SUM(value)')} AS sum, MIN(value) AS min, MAX(value) AS max
        FROM main.head h WHERE ${UNMOVED_HEAD_ROW} GROUP BY series_id, ts / ${width}
      UNION ALL
      SELECT series_id, ts / ${width}, COUNT(*), ${sqlSum('SUM(value)')}, MIN(value), MAX(value) FROM compacted GROUP BY series_id, ts / ${width}
    ) b JOIN series s ON s.id = b.series_id
    GROUP BY b.series_id, b.slot;`;
}

/** `compacted`: the tier's samples (decoded from the chunks, with compression). */
export function createAppViews(db: Db, compressed: boolean, tierDerived: readonly Interval[]): void {
  if (compressed) {
    // Table-valued functions hand back JS numbers as REAL: make timestamps integers again.
    db.exec(
      'CREATE TEMP VIEW compacted (series_id, ts, value) AS SELECT series_id, CAST(ts AS INTEGER), value FROM chunk_samples;',
    );
    db.exec(`CREATE TEMP VIEW metrics_raw (id, metric_name, value, timestamp, labels) AS
      SELECT id, metric_name, value, timestamp, labels FROM main.metrics_raw
      UNION ALL
      SELECT NULL, s.metric_name, c.value, c.ts, s.labels FROM compacted c JOIN series s ON s.id = c.series_id;`);
  } else {
    db.exec('CREATE TEMP VIEW compacted (series_id, ts, value) AS SELECT series_id, ts, value FROM main.samples;');
  }
  for (const interval of tierDerived) db.exec(derivedRollupView(interval));
}
