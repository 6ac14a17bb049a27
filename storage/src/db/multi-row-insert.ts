/**
 * Multi-row INSERTs of numbers into one table: a statement per power of two of rows, up to a block,
 * each prepared on first use, so that n rows take one statement per full block and one per set bit
 * of the rest, not one per row (a statement per row costs more than SQLite's own insert).
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './connection.ts';

/** The most rows one statement takes, by default (3 columns: 768 parameters, far below SQLite's limit). */
export const INSERT_BLOCK_ROWS = 256;

export class MultiRowInsert {
  /** statements[k]: the INSERT of 2^k rows. */
  private readonly statements: Statement[] = [];
  private readonly prefix: string;
  private readonly row: string;

  /** `blockRows`: the most rows one statement takes (a power of two). */
  constructor(
    private readonly db: Db,
    table: string,
    private readonly columns: readonly string[],
    private readonly blockRows = INSERT_BLOCK_ROWS,
  ) {
    this.prefix = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
    this.row = `(${columns.map(() => '?').join(', ')})`;
  }

  /**
   * Inserts `rows` rows whose values are parameters[0 .. rows * columns), row by row, in that
   * order; returns the rowid of the last one (in a rowid table).
   */
  run(parameters: readonly number[], rows: number): number {
    const width = this.columns.length;
    let lastRowid = 0;
    for (let done = 0; done < rows;) {
      const size = Math.min(this.blockRows, 2 ** Math.floor(Math.log2(rows - done)));
      const whole = done === 0 && parameters.length === size * width;
      const values = whole ? parameters : parameters.slice(done * width, (done + size) * width);
      lastRowid = Number(this.statement(size).run(values).lastInsertRowid);
      done += size;
    }
    return lastRowid;
  }

  private statement(rows: number): Statement {
    const k = Math.log2(rows);
    this.statements[k] ??= this.db.prepare(this.prefix + Array.from({ length: rows }, () => this.row).join(', '));
    return this.statements[k];
  }
}
