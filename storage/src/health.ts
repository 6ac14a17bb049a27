/**
 * The store's health: problems it noticed and could not fix on its own (a job that failed, data it
 * set aside, a damaged chunk, a WAL that a reader keeps from shrinking, a deletion that another
 * connection can still read). getStats() reports them, so the panel can say so; a part that
 * reported a problem clears it once the cause is gone. Kept in memory: it describes this process.
 */
import type { StoreProblem, StoreProblemKind } from './types.ts';

export class StoreHealth {
  private readonly problems = new Map<string, StoreProblem>();
  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  /** Records (or repeats) a problem; `subject` tells apart problems of one kind (a job, a series). */
  report(kind: StoreProblemKind, subject: string, message: string): void {
    const key = `${kind}\u0000${subject}`;
    const seen = this.problems.get(key);
    this.problems.set(key, {
      kind,
      subject,
      message,
      since: seen?.since ?? this.now(),
      count: (seen?.count ?? 0) + 1,
    });
  }

  /** Forgets a problem whose cause is gone (every subject of the kind when none is given). */
  clear(kind: StoreProblemKind, subject?: string): void {
    for (const [key, problem] of this.problems) {
      if (problem.kind === kind && (subject === undefined || problem.subject === subject)) this.problems.delete(key);
    }
  }

  /** The current problems, oldest first. */
  list(): StoreProblem[] {
    return [...this.problems.values()].sort((a, b) => a.since - b.since);
  }
}
