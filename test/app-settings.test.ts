/**
 * An embedder's own settings kept in the store (getAppSetting / setAppSetting): they survive a
 * reopen and a retention run, null removes one, bad names and values are typed errors, and they
 * never collide with the engine's own settings.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TimeSeriesStorage, StorageError } from '../storage/src/index.ts';
import { openStore } from './support/store.ts';

describe('app settings', () => {
  it('keeps a value across a reopen and a retention run, and removes it on null', async () => {
    const s = openStore();
    try {
      s.store.setAppSetting('ingest.otlp', JSON.stringify({ enabled: true, port: 4318 }));
      s.store.setAppSetting('telemetry_retention_days', 'not the engine setting');
      await s.store.applyRetention();
      s.store.close();
      const reopened = new TimeSeriesStorage({ dbPath: s.dbPath });
      try {
        assert.deepEqual(JSON.parse(reopened.getAppSetting('ingest.otlp') ?? 'null'), { enabled: true, port: 4318 });
        assert.equal(reopened.getAppSetting('telemetry_retention_days'), 'not the engine setting');
        assert.equal(reopened.retentionDays, 30);
        reopened.setAppSetting('ingest.otlp', null);
        assert.equal(reopened.getAppSetting('ingest.otlp'), null);
        assert.equal(reopened.getAppSetting('never.set'), null);
      } finally {
        reopened.close();
      }
    } finally {
      s.cleanup();
    }
  });

  it('refuses bad names and values with INVALID_ARGUMENT and keeps the stored value', () => {
    const s = openStore();
    try {
      s.store.setAppSetting('kept', 'v1');
      const bad: [unknown, unknown][] = [
        ['', 'x'],
        ['x'.repeat(201), 'x'],
        [42, 'x'],
        ['kept', 42],
        ['kept', 'y'.repeat((1 << 20) + 1)],
      ];
      for (const [name, value] of bad) {
        assert.throws(
          () => s.store.setAppSetting(name as string, value as string),
          (e: unknown) => e instanceof StorageError && e.code === 'INVALID_ARGUMENT',
        );
      }
      assert.equal(s.store.getAppSetting('kept'), 'v1');
    } finally {
      s.cleanup();
    }
  });
});
