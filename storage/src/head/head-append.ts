/**
 * Appending to the head: a validated batch becomes head rows in one transaction, each sample
 * resolved to its series (created under the cardinality limit). A sample whose (series, timestamp)
 * is already stored, in the head or the tier, is skipped: the first write wins, so a retried batch
 * stores nothing twice. The latest stored timestamp per series is cached, so a sample after it (the
 * usual case) skips the lookup; the cache is rebuilt whenever data is deleted.
 */
import type { Db } from '../db/connection.ts';
import type { SeriesRegistry } from '../series/registry.ts';
import type { Tier } from '../tier/tier.ts';
import type { ValidSample } from '../ingest/valid-sample.ts';
import type { Head } from './head.ts';

export class HeadAppender {
  /** Latest stored timestamp per series: a sample after it cannot be a repeat. */
  private readonly latest = new Map<number, number>();

  constructor(
    private readonly db: Db,
    private readonly registry: SeriesRegistry,
    private readonly head: Head,
    private readonly tier: Tier,
  ) {
    this.reloadLatest();
  }

  /** Stores a validated batch in one transaction; returns the samples actually stored. */
  append(samples: ValidSample[]): number {
    const created: number[] = [];
    const advanced = new Map<number, number>();
    try {
      const stored = this.db.transaction(() => this.appendBatch(samples, created, advanced)).immediate();
      for (const [id, ts] of advanced) this.latest.set(id, ts);
      return stored;
    } catch (err) {
      this.head.discard();
      this.registry.forget(created);
      throw err;
    }
  }

  /** Rebuilds the latest-timestamp cache from what is stored (after deletions). */
  reloadLatest(): void {
    this.latest.clear();
    const inHead = this.head.latestBySeries();
    for (const s of this.registry.all()) {
      const latest = Math.max(inHead.get(s.id) ?? -1, this.tier.latest(s.id) ?? -1);
      if (latest >= 0) this.latest.set(s.id, latest);
    }
  }

  /** Forgets deleted series. */
  forget(ids: Iterable<number>): void {
    for (const id of ids) this.latest.delete(id);
  }

  private appendBatch(samples: ValidSample[], created: number[], advanced: Map<number, number>): number {
    let stored = 0;
    for (let i = 0; i < samples.length; i++) {
      const sample = samples[i]!;
      const id = sample.series?.id ?? this.registry.resolve(sample, i, created);
      const latest = advanced.get(id) ?? this.latest.get(id) ?? -1;
      if (sample.timestamp > latest) {
        advanced.set(id, sample.timestamp);
      } else {
        this.head.flush();
        if (this.head.exists(id, sample.timestamp) || this.tier.contains(id, sample.timestamp)) continue;
      }
      this.head.push(id, sample.timestamp, sample.value);
      stored++;
    }
    this.head.flush();
    return stored;
  }
}
