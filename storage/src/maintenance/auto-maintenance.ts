/**
 * Automatic maintenance: the store folds and compacts its head on its own, so that a caller who
 * never runs the rollup job still gets a small head (and fast queries). After each write it counts
 * the head rows not yet folded; once they pass `maxHeadRows`, or the oldest of them arrived more
 * than `maxHeadAgeMs` ago (by the store's clock, checked at each write; a quiet store is woken by a
 * timer after that long), it starts the store's own rollup job (`rollUpAndCompact`, in yielding
 * steps). One run at a time; rows written during a run are counted for the next one. A run that
 * fails is in the store's health (the job reports itself) and is retried only when the timer
 * fires, not at every write. The timers are unref'd: they never keep a process alive. stop()
 * (the store's close) cancels what is scheduled; a run under way stops at its next step.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { MINUTE_MS } from '../../../shared/constants.ts';
import { FIRST_WINDOW_ROWS } from '../tier/compaction.ts';

/** Head rows not yet folded that start a run: a steady run is one compaction window. */
export const DEFAULT_MAX_HEAD_ROWS = FIRST_WINDOW_ROWS;
/** How long the oldest unfolded head row may wait before a run starts. */
export const DEFAULT_MAX_HEAD_AGE_MS = MINUTE_MS;

export interface AutoMaintenanceOptions {
  maxHeadRows: number;
  maxHeadAgeMs: number;
  now: () => number;
  /** The store's rollup job; its failures are reported by the store and swallowed here. */
  run: () => Promise<unknown>;
}

export class AutoMaintenance {
  private readonly options: AutoMaintenanceOptions;
  /** Head rows written since the last run took them, and when the first of them arrived. */
  private pending = 0;
  private pendingSince: number | undefined;
  private running: Promise<void> | undefined;
  private starting: NodeJS.Immediate | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The last run failed: wait for the timer rather than retrying at every write. */
  private failed = false;
  private stopped = false;

  constructor(options: AutoMaintenanceOptions, headRows: number) {
    this.options = options;
    this.noteWritten(headRows);
  }

  /** Counts rows just written to the head; starts a run when a threshold is passed, else arms the timer. */
  noteWritten(rows: number): void {
    if (this.stopped || rows === 0) return;
    this.pending += rows;
    this.pendingSince ??= this.options.now();
    if (!this.failed && this.due()) this.schedule();
    else this.arm();
  }

  /**
   * The rollup job (automatic or called explicitly) takes every row written so far; returns a
   * function that gives them back when the job fails.
   */
  take(): () => void {
    const rows = this.pending;
    const since = this.pendingSince;
    this.pending = 0;
    this.pendingSince = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return () => {
      this.pending += rows;
      if (since !== undefined) this.pendingSince = Math.min(since, this.pendingSince ?? since);
    };
  }

  /** Resolves once no run is under way or about to start. */
  async idle(): Promise<void> {
    while (this.running || this.starting) await (this.running ?? nextTurn());
  }

  /** Cancels what is scheduled and schedules nothing more. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.starting) clearImmediate(this.starting);
    this.timer = undefined;
    this.starting = undefined;
  }

  private due(): boolean {
    const { maxHeadRows, maxHeadAgeMs, now } = this.options;
    return this.pending >= maxHeadRows || now() - (this.pendingSince ?? Infinity) >= maxHeadAgeMs;
  }

  /** Starts a run on the next turn of the event loop (after the write that asked for it returns). */
  private schedule(): void {
    if (this.running || this.starting || this.stopped) return;
    this.starting = setImmediate(() => {
      this.starting = undefined;
      this.start();
    }).unref();
  }

  private arm(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.failed = false;
      if (this.pending > 0) this.start();
    }, this.options.maxHeadAgeMs).unref();
  }

  private start(): void {
    if (this.running || this.stopped) return;
    this.running = this.options.run().then(
      () => this.settle(false),
      () => this.settle(true),
    );
  }

  /** After a run: the next one starts at once when rows written meanwhile are due, else on the timer. */
  private settle(failed: boolean): void {
    this.running = undefined;
    this.failed = failed;
    if (this.stopped || this.pending === 0) return;
    if (!failed && this.due()) this.schedule();
    else this.arm();
  }
}
