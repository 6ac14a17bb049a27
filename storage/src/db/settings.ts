/**
 * The `settings` table: small named values the store keeps with its data (the retention days, the
 * times of the last rollup and retention runs, the storage mode), so they survive a restart. An
 * embedder's own settings live here too, under keys prefixed `app.` (see TimeSeriesStorage.setAppSetting).
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './connection.ts';

export type SettingKey =
  'telemetry_retention_days' | 'last_rollup_at' | 'last_retention_at' | 'storage_mode' | `app.${string}`;

export class Settings {
  private readonly getStmt: Statement;
  private readonly setStmt: Statement;
  private readonly deleteStmt: Statement;

  constructor(db: Db) {
    this.getStmt = db.prepare('SELECT value FROM settings WHERE key = ?').pluck();
    this.setStmt = db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.deleteStmt = db.prepare('DELETE FROM settings WHERE key = ?');
  }

  getText(key: SettingKey): string | null {
    return (this.getStmt.get(key) as string | undefined) ?? null;
  }

  setText(key: SettingKey, value: string): void {
    this.setStmt.run(key, value);
  }

  delete(key: SettingKey): void {
    this.deleteStmt.run(key);
  }

  getNumber(key: SettingKey): number | null {
    const value = this.getText(key);
    return value === null ? null : Number(value);
  }

  setNumber(key: SettingKey, value: number): void {
    this.setText(key, String(value));
  }
}
