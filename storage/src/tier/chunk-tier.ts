/**
 * The compressed tier (`enableCompression: true`, the default): each series' samples are kept in
 * chunks, one or more per UTC-aligned two-hour window, each a BLOB in the codec of
 * storage/src/compression (decimal/ALP-style or XOR values, delta-of-delta timestamps; lossless).
 * Samples after a window's last chunk (the usual case) rewrite only that chunk, or start new ones;
 * samples among stored ones (late data) rewrite the window whole. Whole windows are dropped by
 * retention, and only the window holding the cutoff is split.
 *
 * Every chunk is stored with its checksum (compression/chunk.ts) and verified before it is decoded:
 * a damaged chunk is a ChunkCorruptError naming its series and time range, for every read that
 * needs it (queries, exports), and is reported in the store's health ('chunk-corrupt') until it is
 * deleted; it never decodes into wrong numbers. The jobs work around it, so that one damaged chunk
 * stops nothing else: compaction leaves it as it is and writes the window's other samples beside it
 * (reads of that range still fail, typed), a repeat check cannot look inside it, and retention
 * deletes it whole once any of it has expired (what is left of it cannot be read anyway).
 *
 * In the app's own connection the seed's views also read the chunks, through the table-valued
 * function `chunk_samples` (see db/app-views.ts); the plain sqlite3 shell, which cannot decode
 * them, sees only the samples still in the head.
 */
import Database, { type Statement } from 'better-sqlite3';
import {
  chunkChecksum,
  decodeChunk,
  DEFAULT_CHUNK_SAMPLES,
  encodeChunk,
  type DecodedChunk,
} from '../compression/chunk.ts';
import { HOUR_MS } from '../../../shared/constants.ts';
import type { Db } from '../db/connection.ts';
import { ChunkCorruptError } from '../errors.ts';
import type { StoreHealth } from '../health.ts';
import type { Sample, SeriesSamples, Tier } from './tier.ts';

/** Width of the aligned window a chunk belongs to: 720 samples at the collector's 10 s. */
export const CHUNK_WINDOW_MS = 2 * HOUR_MS;

interface ChunkRow {
  id: number;
  series_id: number;
  first_ts: number;
  last_ts: number;
  count: number;
  payload: Uint8Array;
  checksum: number;
}

/** Throws a ChunkCorruptError unless the row's checksum holds. */
function checkChecksum(row: ChunkRow): void {
  const placement = { seriesId: row.series_id, firstTs: row.first_ts, lastTs: row.last_ts, count: row.count };
  if (chunkChecksum(row.payload, placement) !== row.checksum) {
    throw new ChunkCorruptError(row.series_id, row.first_ts, row.last_ts);
  }
}

function windowStart(ts: number): number {
  return Math.floor(ts / CHUNK_WINDOW_MS) * CHUNK_WINDOW_MS;
}

/** Index of the first element >= x in an ascending array. */
function lowerBound(xs: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Samples of one series, ascending, in any array form. */
interface Run {
  ts: ArrayLike<number>;
  values: ArrayLike<number>;
}

function runOf(chunk: DecodedChunk): Run {
  return { ts: chunk.timestamps, values: chunk.values };
}

/** Merges two ascending runs of samples into new typed arrays. */
function merge(a: Run, b: Run): { ts: Float64Array; values: Float64Array } {
  const n = a.ts.length + b.ts.length;
  const ts = new Float64Array(n);
  const values = new Float64Array(n);
  let i = 0;
  let j = 0;
  for (let k = 0; k < n; k++) {
    if (j >= b.ts.length || (i < a.ts.length && a.ts[i]! <= b.ts[j]!)) {
      ts[k] = a.ts[i]!;
      values[k] = a.values[i++]!;
    } else {
      ts[k] = b.ts[j]!;
      values[k] = b.values[j++]!;
    }
  }
  return { ts, values };
}

export class ChunkTier implements Tier {
  private readonly windowStmt: Statement;
  private readonly windowTailStmt: Statement;
  private readonly rangeStmt: Statement;
  private readonly insertStmt: Statement;
  private readonly updateStmt: Statement;
  private readonly deleteIdStmt: Statement;
  private readonly expiredStmt: Statement;
  private readonly deleteExpiredStmt: Statement;
  private readonly straddlingStmt: Statement;
  private readonly seriesCountStmt: Statement;
  private readonly deleteSeriesStmt: Statement;
  private readonly nextStmt: Statement;
  private readonly latestStmt: Statement;
  private readonly lastStartBeforeStmt: Statement;
  private readonly totalsStmt: Statement;
  private readonly beforeStmt: Statement;
  private readonly straddlingAllStmt: Statement;
  private readonly existsStmt: Statement;
  /** Damaged chunks seen, by id, with the series they belong to (reported in the health until deleted). */
  private readonly corrupt = new Map<number, number>();

  constructor(
    private readonly db: Db,
    private readonly health: StoreHealth,
  ) {
    const cols = 'id, series_id, first_ts, last_ts, count, payload, checksum';
    this.windowStmt = db.prepare(
      `SELECT ${cols} FROM chunks WHERE series_id = ? AND first_ts >= ? AND first_ts < ? ORDER BY first_ts`,
    );
    this.windowTailStmt = db.prepare(
      `SELECT ${cols} FROM chunks WHERE series_id = ? AND first_ts >= ? AND first_ts < ? ORDER BY first_ts DESC LIMIT 1`,
    );
    this.rangeStmt = db.prepare(
      `SELECT ${cols} FROM chunks WHERE series_id = ? AND first_ts >= ? AND first_ts < ? AND last_ts >= ? ORDER BY first_ts`,
    );
    this.insertStmt = db.prepare(
      'INSERT INTO chunks (series_id, first_ts, last_ts, count, payload, checksum) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.updateStmt = db.prepare(
      'UPDATE chunks SET first_ts = ?, last_ts = ?, count = ?, payload = ?, checksum = ? WHERE id = ?',
    );
    this.existsStmt = db.prepare('SELECT 1 FROM chunks WHERE id = ?').pluck();
    this.deleteIdStmt = db.prepare('DELETE FROM chunks WHERE id = ?');
    this.expiredStmt = db
      .prepare('SELECT COALESCE(SUM(count), 0) FROM chunks WHERE series_id = ? AND first_ts < ? AND last_ts < ?')
      .pluck();
    this.deleteExpiredStmt = db.prepare('DELETE FROM chunks WHERE series_id = ? AND first_ts < ? AND last_ts < ?');
    this.straddlingStmt = db.prepare(
      `SELECT ${cols} FROM chunks WHERE series_id = ? AND first_ts < ? AND last_ts >= ?`,
    );
    this.seriesCountStmt = db.prepare('SELECT COALESCE(SUM(count), 0) FROM chunks WHERE series_id = ?').pluck();
    this.deleteSeriesStmt = db.prepare('DELETE FROM chunks WHERE series_id = ?');
    this.nextStmt = db
      .prepare(
        'SELECT first_ts FROM chunks WHERE series_id = ? AND first_ts >= ? AND last_ts >= ? ORDER BY first_ts LIMIT 1',
      )
      .pluck();
    this.latestStmt = db
      .prepare('SELECT last_ts FROM chunks WHERE series_id = ? ORDER BY first_ts DESC LIMIT 1')
      .pluck();
    this.lastStartBeforeStmt = db
      .prepare('SELECT MAX(first_ts) FROM chunks WHERE series_id = ? AND first_ts < ?')
      .pluck();
    this.totalsStmt = db.prepare('SELECT COALESCE(SUM(count), 0), MIN(first_ts), MAX(last_ts) FROM chunks').raw();
    this.beforeStmt = db
      .prepare('SELECT COALESCE(SUM(count), 0), MIN(first_ts), MAX(last_ts) FROM chunks WHERE last_ts < ?')
      .raw();
    this.straddlingAllStmt = db.prepare(`SELECT ${cols} FROM chunks WHERE first_ts < ? AND last_ts >= ?`);
    this.registerRawView();
  }

  insert(seriesId: number, ts: number[], values: number[]): void {
    let from = 0;
    while (from < ts.length) {
      const start = windowStart(ts[from]!);
      let to = from;
      while (to < ts.length && ts[to]! < start + CHUNK_WINDOW_MS) to++;
      this.mergeIntoWindow(seriesId, start, { ts: ts.slice(from, to), values: values.slice(from, to) });
      from = to;
    }
  }

  read(seriesId: number, start: number, end: number): SeriesSamples {
    const out: SeriesSamples = { ts: [], values: [] };
    for (const row of this.rangeStmt.all(seriesId, windowStart(start), end, start) as ChunkRow[]) {
      const chunk = this.decode(row);
      const to = lowerBound(chunk.timestamps, end);
      for (let i = lowerBound(chunk.timestamps, start); i < to; i++) {
        out.ts.push(chunk.timestamps[i]!);
        out.values.push(chunk.values[i]!);
      }
    }
    return out;
  }

  contains(seriesId: number, ts: number): boolean {
    const start = windowStart(ts);
    for (const row of this.windowStmt.all(seriesId, start, start + CHUNK_WINDOW_MS) as ChunkRow[]) {
      if (ts < row.first_ts || ts > row.last_ts || !this.isIntact(row)) continue;
      const chunk = decodeChunk(row.payload);
      const i = lowerBound(chunk.timestamps, ts);
      if (chunk.timestamps[i] === ts) return true;
    }
    return false;
  }

  count(seriesId: number, start: number, end: number, limit: number): number {
    let n = 0;
    for (const row of this.rangeStmt.iterate(seriesId, windowStart(start), end, start) as IterableIterator<ChunkRow>) {
      this.verify(row);
      if (row.first_ts >= start && row.last_ts < end) n += row.count;
      else {
        const chunk = decodeChunk(row.payload);
        n += lowerBound(chunk.timestamps, end) - lowerBound(chunk.timestamps, start);
      }
      if (n >= limit) return n;
    }
    return n;
  }

  deleteBefore(seriesId: number, cutoff: number): number {
    let deleted = this.expiredStmt.get(seriesId, cutoff, cutoff) as number;
    this.deleteExpiredStmt.run(seriesId, cutoff, cutoff);
    for (const row of this.straddlingStmt.all(seriesId, cutoff, cutoff) as ChunkRow[]) {
      if (!this.isIntact(row)) {
        deleted += row.count;
        this.deleteIdStmt.run(row.id);
        continue;
      }
      const chunk = decodeChunk(row.payload);
      const keep = lowerBound(chunk.timestamps, cutoff);
      deleted += keep;
      this.write(seriesId, chunk.timestamps.subarray(keep), chunk.values.subarray(keep), [row.id]);
    }
    this.forgetDeleted(seriesId);
    return deleted;
  }

  deleteSeries(seriesId: number): number {
    const deleted = this.seriesCountStmt.get(seriesId) as number;
    this.deleteSeriesStmt.run(seriesId);
    this.forgetDeleted(seriesId);
    return deleted;
  }

  next(seriesId: number, from: number): number | undefined {
    // A chunk lies within one aligned window, so one holding samples at or after `from` starts in its window or later.
    const first = this.nextStmt.get(seriesId, windowStart(from), from) as number | undefined;
    return first === undefined ? undefined : Math.max(from, first);
  }

  latest(seriesId: number): number | undefined {
    return (this.latestStmt.get(seriesId) as number | undefined) ?? undefined;
  }

  lastBefore(seriesId: number, before: number): Sample | undefined {
    // Chunks never straddle windows, so the last sample before `before` is in the window of the last chunk starting before it.
    const start = this.lastStartBeforeStmt.get(seriesId, before) as number | null;
    if (start === null) return undefined;
    const { ts, values } = this.read(seriesId, windowStart(start), before);
    return ts.length === 0 ? undefined : { ts: ts.at(-1)!, value: values.at(-1)! };
  }

  totals(): { samples: number; oldest: number | null; newest: number | null } {
    const [samples, oldest, newest] = this.totalsStmt.get() as [number, number | null, number | null];
    return { samples, oldest, newest };
  }

  countBefore(cutoff: number): { samples: number; oldest: number | null; newest: number | null } {
    const [whole, oldest, newest] = this.beforeStmt.get(cutoff) as [number, number | null, number | null];
    let samples = whole;
    let first = oldest;
    let last = newest;
    for (const row of this.straddlingAllStmt.all(cutoff, cutoff) as ChunkRow[]) {
      const expired = this.expiredPart(row, cutoff);
      if (expired.count === 0) continue;
      samples += expired.count;
      first = first === null ? row.first_ts : Math.min(first, row.first_ts);
      last = Math.max(last ?? expired.lastTs, expired.lastTs);
    }
    return { samples, oldest: first, newest: last };
  }

  /** How many of a chunk's samples lie before `cutoff`, and the last of them; a damaged chunk counts whole, as retention deletes it. */
  private expiredPart(row: ChunkRow, cutoff: number): { count: number; lastTs: number } {
    if (!this.isIntact(row)) return { count: row.count, lastTs: row.last_ts };
    const { timestamps } = decodeChunk(row.payload);
    const count = lowerBound(timestamps, cutoff);
    return { count, lastTs: timestamps[count - 1] ?? row.first_ts };
  }

  /**
   * Rewrites one window of a series with the new samples merged in (a damaged chunk is left as it
   * is). In-order samples after an intact last chunk read only that chunk, not the window's others.
   */
  private mergeIntoWindow(seriesId: number, start: number, added: Run): void {
    const tail = this.windowTailStmt.get(seriesId, start, start + CHUNK_WINDOW_MS) as ChunkRow | undefined;
    if (tail && this.isIntact(tail) && this.appendToWindow(seriesId, tail, added)) return;
    const rows = (this.windowStmt.all(seriesId, start, start + CHUNK_WINDOW_MS) as ChunkRow[]).filter((row) =>
      this.isIntact(row),
    );
    if (this.appendToWindow(seriesId, rows.at(-1), added)) return;
    let existing: Run = { ts: [], values: [] };
    for (const row of rows) {
      const chunk = decodeChunk(row.payload);
      existing = merge(existing, { ts: chunk.timestamps, values: chunk.values });
    }
    const merged = merge(existing, added);
    this.write(
      seriesId,
      merged.ts,
      merged.values,
      rows.map((r) => r.id),
    );
  }

  /**
   * In-order samples (all after the window's last chunk, the usual case) touch only that chunk: it
   * is rewritten with them while it has room, else they start new chunks; the window's other chunks
   * (full ones, as every rewrite leaves them) stay as they are, so compaction costs what is new,
   * not what the window holds, and the chunks come out as a rewrite of the whole window would cut
   * them. False when samples arrive among stored ones: the window is then merged whole.
   */
  private appendToWindow(seriesId: number, tail: ChunkRow | undefined, added: Run): boolean {
    if (tail === undefined || !(added.ts[0]! > tail.last_ts)) return false;
    const kept: Run = tail.count < DEFAULT_CHUNK_SAMPLES ? runOf(decodeChunk(tail.payload)) : { ts: [], values: [] };
    const merged = merge(kept, added);
    this.write(seriesId, merged.ts, merged.values, tail.count < DEFAULT_CHUNK_SAMPLES ? [tail.id] : []);
    return true;
  }

  /**
   * Writes ascending samples as chunks of at most DEFAULT_CHUNK_SAMPLES, rewriting the rows
   * `replacing` in place (a new row id for each rewrite would leave holes in the table's pages
   * that nothing fills again) and deleting those left over.
   */
  private write(seriesId: number, ts: Float64Array, values: Float64Array, replacing: number[]): void {
    const ids = [...replacing];
    for (let i = 0; i < ts.length; i += DEFAULT_CHUNK_SAMPLES) {
      const t = ts.subarray(i, i + DEFAULT_CHUNK_SAMPLES);
      const payload = encodeChunk(t, values.subarray(i, i + DEFAULT_CHUNK_SAMPLES));
      const [firstTs, lastTs, count] = [t[0]!, t[t.length - 1]!, t.length];
      const checksum = chunkChecksum(payload, { seriesId, firstTs, lastTs, count });
      const id = ids.shift();
      if (id === undefined) this.insertStmt.run(seriesId, firstTs, lastTs, count, payload, checksum);
      else this.updateStmt.run(firstTs, lastTs, count, payload, checksum, id);
    }
    for (const id of ids) this.deleteIdStmt.run(id);
  }

  /** Decodes a chunk row once its checksum holds. */
  private decode(row: ChunkRow): DecodedChunk {
    this.verify(row);
    return decodeChunk(row.payload);
  }

  /** Checks a chunk row's checksum; a damaged chunk is reported in the health and thrown. */
  private verify(row: ChunkRow): void {
    try {
      checkChecksum(row);
    } catch (err) {
      if (err instanceof ChunkCorruptError) {
        this.corrupt.set(row.id, row.series_id);
        this.health.report('chunk-corrupt', corruptSubject(row.series_id), err.message);
      }
      throw err;
    }
  }

  /** For the jobs: whether a chunk row's checksum holds (a damaged one is reported, not thrown). */
  private isIntact(row: ChunkRow): boolean {
    try {
      this.verify(row);
      return true;
    } catch (err) {
      if (err instanceof ChunkCorruptError) return false;
      throw err;
    }
  }

  /** Clears the health report of a series whose damaged chunks were all deleted. */
  private forgetDeleted(seriesId: number): void {
    let left = false;
    for (const [id, owner] of this.corrupt) {
      if (owner !== seriesId) continue;
      if (this.existsStmt.get(id) === undefined) this.corrupt.delete(id);
      else left = true;
    }
    if (!left) this.health.clear('chunk-corrupt', corruptSubject(seriesId));
  }

  /**
   * `chunk_samples(series_id, ts, value)`: every compressed sample, for the app connection's views
   * (db/app-views.ts). A connection cannot run a second statement while one is under way, so the
   * chunks are read through a short-lived read-only connection of their own (it sees what is
   * committed).
   */
  private registerRawView(): void {
    const file = this.db.name;
    this.db.table('chunk_samples', {
      columns: ['series_id', 'ts', 'value'],
      *rows() {
        const reader = new Database(file, { readonly: true });
        try {
          const all = reader.prepare(
            'SELECT id, series_id, first_ts, last_ts, count, payload, checksum FROM chunks ORDER BY series_id, first_ts',
          );
          for (const row of all.iterate() as IterableIterator<ChunkRow>) {
            checkChecksum(row);
            const chunk = decodeChunk(row.payload);
            for (let i = 0; i < chunk.timestamps.length; i++) {
              yield [row.series_id, chunk.timestamps[i]!, chunk.values[i]!];
            }
          }
        } finally {
          reader.close();
        }
      },
    });
  }
}

function corruptSubject(seriesId: number): string {
  return `series ${seriesId}`;
}
