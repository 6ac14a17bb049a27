/**
 * Why data points were not stored: a tally of reasons, counted per point, and the one-line summary
 * an ingest source reports (OTLP's partial_success.error_message, the status view's last error).
 */

/** How many distinct reasons the summary names before "and N more". */
const REASONS_SHOWN = 5;

export class Rejections {
  private readonly counts = new Map<string, number>();
  private count = 0;

  add(reason: string, points = 1): void {
    if (points <= 0) return;
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + points);
    this.count += points;
  }

  get total(): number {
    return this.count;
  }

  /** `2 data points rejected: x_total: series limit reached (2); ...`, or '' when none were. */
  summary(): string {
    if (this.count === 0) return '';
    const reasons = [...this.counts].sort(([, a], [, b]) => b - a);
    const shown = reasons.slice(0, REASONS_SHOWN).map(([reason, n]) => `${reason} (${n})`);
    const more = reasons.length > REASONS_SHOWN ? `; and ${reasons.length - REASONS_SHOWN} more reasons` : '';
    return `${this.count} data point${this.count === 1 ? '' : 's'} rejected: ${shown.join('; ')}${more}`;
  }
}
