/**
 * What the receiver remembers between requests to turn OTLP's temporalities into the store's
 * cumulative counters: the last value written to each series it accumulates (the running total of a
 * series fed by delta points, a bucket of an exponential histogram), and per point stream its start
 * time, last timestamp and, for exponential histograms, the bucket bounds it has had (a new start
 * time is a reset; a bound keeps being written once it appeared). A request reads it through a
 * Transaction, which sees its own earlier points; a point's changes reach the state only when that
 * point is stored (commit), so a rejected point leaves no trace.
 */
import type { MetricSample } from '../../../storage/src/index.ts';
import type { IngestUnit } from '../ingest-sink.ts';

export interface StreamState {
  /** The stream's start time (ms), 0 when its points carry none. */
  startMs: number;
  lastMs: number;
  /** The `le` bounds an exponential histogram has written so far. */
  bounds?: ReadonlySet<string>;
}

export class SeriesState {
  readonly values = new Map<string, number>();
  readonly streams = new Map<string, StreamState>();
}

/** Writes of one data point, applied to the state once the point is stored. */
export interface PointWrites {
  values: [key: string, value: number][];
  stream?: [key: string, state: StreamState];
}

export class Transaction {
  private readonly values = new Map<string, number>();
  private readonly streams = new Map<string, StreamState>();

  constructor(private readonly state: SeriesState) {}

  /** The last value written to a series, including this request's earlier points. */
  value(key: string): number | undefined {
    return this.values.get(key) ?? this.state.values.get(key);
  }

  stream(key: string): StreamState | undefined {
    return this.streams.get(key) ?? this.state.streams.get(key);
  }

  /** Records a point's writes for the rest of the request; the point's unit commits them to the state once stored. */
  stage(samples: MetricSample[], writes: PointWrites): IngestUnit {
    for (const [key, value] of writes.values) this.values.set(key, value);
    if (writes.stream) this.streams.set(writes.stream[0], writes.stream[1]);
    return new StagedPoint(samples, this.state, writes);
  }

  /**
   * stage() for a point of a single-value stream (a counter, a delta gauge): its stream's state,
   * and for a delta stream (totalKey not null) the total it brings its series to.
   */
  stageStream(
    samples: MetricSample[],
    key: string,
    stream: StreamState,
    totalKey: string | null,
    total: number,
  ): IngestUnit {
    if (totalKey !== null) this.values.set(totalKey, total);
    this.streams.set(key, stream);
    return new StagedStreamPoint(samples, this.state, key, stream, totalKey, total);
  }
}

/** A data point's samples, whose writes reach the state when the sink has stored them. */
class StagedPoint implements IngestUnit {
  constructor(
    readonly samples: MetricSample[],
    private readonly state: SeriesState,
    private readonly writes: PointWrites,
  ) {}

  commit(): void {
    for (const [key, value] of this.writes.values) this.state.values.set(key, value);
    if (this.writes.stream) this.state.streams.set(this.writes.stream[0], this.writes.stream[1]);
  }
}

/** StagedPoint for stageStream(), without a PointWrites per point. */
class StagedStreamPoint implements IngestUnit {
  constructor(
    readonly samples: MetricSample[],
    private readonly state: SeriesState,
    private readonly key: string,
    private readonly stream: StreamState,
    private readonly totalKey: string | null,
    private readonly total: number,
  ) {}

  commit(): void {
    if (this.totalKey !== null) this.state.values.set(this.totalKey, this.total);
    this.state.streams.set(this.key, this.stream);
  }
}
