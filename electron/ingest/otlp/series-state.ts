/**
 * What the receiver remembers between requests to turn OTLP's temporalities into the store's
 * cumulative counters: the running total of each series fed by delta points, and the start time and
 * last timestamp of each cumulative point stream (a new start time is a reset). A request reads it
 * through a Transaction, which sees its own earlier points; a point's changes reach the state only
 * when that point is stored (commit), so a rejected point leaves no trace.
 */

interface StreamStart {
  startMs: number;
  lastMs: number;
}

export class SeriesState {
  readonly totals = new Map<string, number>();
  readonly starts = new Map<string, StreamStart>();
}

/** Writes of one data point, applied to the state once the point is stored. */
export interface PointWrites {
  totals: [key: string, total: number][];
  start?: [key: string, start: StreamStart];
}

export class Transaction {
  private readonly totals = new Map<string, number>();
  private readonly starts = new Map<string, StreamStart>();

  constructor(private readonly state: SeriesState) {}

  /** The running total of a delta-fed series, including this request's earlier points. */
  total(key: string): number {
    return this.totals.get(key) ?? this.state.totals.get(key) ?? 0;
  }

  start(key: string): StreamStart | undefined {
    return this.starts.get(key) ?? this.state.starts.get(key);
  }

  /** Records a point's writes for the rest of the request and returns the function that commits them. */
  stage(writes: PointWrites): () => void {
    for (const [key, total] of writes.totals) this.totals.set(key, total);
    if (writes.start) this.starts.set(writes.start[0], writes.start[1]);
    return () => {
      for (const [key, total] of writes.totals) this.state.totals.set(key, total);
      if (writes.start) this.state.starts.set(writes.start[0], writes.start[1]);
    };
  }
}
