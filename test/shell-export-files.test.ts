/**
 * The past exports (listExports, deleteExport) against a real store and real files on disk,
 * called through the host's dispatcher (the zod schemas run first): real exports are listed with
 * their size, time and the options they were written with (read back from the sidecar beside each
 * file; a sidecar holding anything else, or a FIFO, gives null options), newest first, without
 * temporary files, sidecars, symlinks or folders; deleting one removes it and its options only (a
 * folder bearing the options' name is left alone); every path that is not a Parquet file directly
 * in the exports folder (`..`, an absolute path elsewhere, a symlink, a symlinked folder, a sidecar,
 * the store itself) is refused with a typed error and nothing on disk changes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dataPaths } from '../electron/host/data-dir.ts';
import { openHostService, type HostService } from '../electron/host/host-service.ts';
import type { ExportFile, ExportResult } from '../shared/panel-api.ts';

const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);
const HOUR = 3_600_000;

describe('past exports', () => {
  let dir: string;
  let exportsDir: string;
  let service: HostService;
  let nextId = 1;

  const call = (method: string, ...args: unknown[]) => service.dispatch({ id: nextId++, method, args });
  const ok = async (method: string, ...args: unknown[]): Promise<unknown> => {
    const reply = await call(method, ...args);
    assert.ok(reply.ok, `${method} failed: ${JSON.stringify(!reply.ok && reply.error)}`);
    return reply.result;
  };
  const list = async () => (await ok('listExports')) as ExportFile[];
  /** Every file and link under the data folder, to show a refused call changed nothing. */
  const tree = (): string[] =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((name) => !name.startsWith('telemetry.db'))
      .sort();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shell-export-files-'));
    exportsDir = dataPaths(dir).exportsDir;
    service = openHostService({
      paths: dataPaths(dir),
      emit: () => undefined,
      now: () => NOW,
      jobTimings: null,
      collectEveryMs: null,
    });
    const samples = Array.from({ length: 240 }, (_, i) => ({
      name: 'app_memory_bytes',
      value: 1000 + i,
      timestamp: NOW - 4 * HOUR + i * 60_000,
      labels: { process: i % 2 === 0 ? 'main' : 'host' },
    }));
    await service.store.insertSamples(samples);
  });

  after(async () => {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('none yet: an empty list', async () => {
    assert.deepEqual(await list(), []);
  });

  test('real exports are listed with size, time and options; nothing else in the folder is', async () => {
    const first = (await ok('exportParquet', { anonymize: true, keepLabels: ['process'] })) as ExportResult;
    const second = (await ok('exportParquet', {
      source: '1h',
      anonymize: false,
      start: NOW - 3 * HOUR,
      end: NOW,
    })) as ExportResult;
    writeFileSync(join(exportsDir, '.telemetry-raw-x.parquet.1a2b3c.tmp'), 'an export under way');
    writeFileSync(join(exportsDir, 'notes.txt'), 'not an export');
    mkdirSync(join(exportsDir, 'folder.parquet'));
    writeFileSync(join(dir, 'outside.parquet'), 'outside the exports folder');
    symlinkSync(join(dir, 'outside.parquet'), join(exportsDir, 'link.parquet'));
    // The second export is the newer one.
    const older = new Date(NOW - HOUR);
    utimesSync(first.path, older, older);

    const listed = await list();
    assert.deepEqual(
      listed.map((file) => file.path),
      [second.path, first.path],
    );
    for (const [file, result] of [
      [listed[0]!, second],
      [listed[1]!, first],
    ] as const) {
      const stat = statSync(result.path);
      assert.equal(file.bytes, stat.size);
      assert.equal(file.bytes, result.bytes);
      assert.equal(file.modified, stat.mtimeMs);
      assert.equal(file.name, result.path.slice(exportsDir.length + 1));
    }
    assert.deepEqual(listed[1]!.options, { source: 'raw', anonymize: true, keepLabels: ['process'], rows: first.rows });
    assert.deepEqual(listed[0]!.options, {
      source: '1h',
      anonymize: false,
      start: NOW - 3 * HOUR,
      end: NOW,
      rows: second.rows,
    });
    assert.equal(first.rows, 240);
  });

  test('a Parquet file without kept options is listed with options null', async () => {
    writeFileSync(join(exportsDir, 'copied-in.parquet'), 'PAR1');
    const copied = (await list()).find((file) => file.name === 'copied-in.parquet');
    assert.equal(copied?.options, null);
    assert.equal(copied?.bytes, 4);
  });

  test('kept options that are not what an export writes are not passed on: options null', async () => {
    const bad = {
      'labels-not-a-list.parquet': { source: 'raw', anonymize: true, keepLabels: 'host', rows: 3 },
      'rows-not-a-count.parquet': { source: 'raw', anonymize: true, rows: 'many' },
      'unknown-source.parquet': { source: '7y', anonymize: false, rows: 3 },
      'a-list.parquet': [1, 2, 3],
      'missing-rows.parquet': { source: 'raw', anonymize: true },
    };
    for (const [name, options] of Object.entries(bad)) {
      writeFileSync(join(exportsDir, name), 'PAR1');
      writeFileSync(join(exportsDir, `${name}.options.json`), JSON.stringify(options));
    }
    // A sidecar that is a FIFO (nothing would ever write to it) is not read: the call still answers.
    writeFileSync(join(exportsDir, 'fifo-options.parquet'), 'PAR1');
    const fifo = spawnSync('mkfifo', [join(exportsDir, 'fifo-options.parquet.options.json')]);
    assert.equal(fifo.status, 0, 'mkfifo');
    const listed = await list();
    for (const name of [...Object.keys(bad), 'fifo-options.parquet']) {
      assert.equal(listed.find((file) => file.name === name)?.options, null, name);
      rmSync(join(exportsDir, name));
      rmSync(join(exportsDir, `${name}.options.json`));
    }
  });

  test('paths outside the exports folder, symlinks and other files are refused; nothing changes', async () => {
    const [newest] = await list();
    mkdirSync(join(dir, 'elsewhere'));
    writeFileSync(join(dir, 'elsewhere', 'victim.parquet'), 'not to be deleted');
    symlinkSync(join(dir, 'elsewhere'), join(exportsDir, 'linked-folder'));
    const before = tree();
    const refused = [
      ['../outside.parquet', 'INVALID_ARGUMENT'],
      [join(exportsDir, '..', 'outside.parquet'), 'INVALID_ARGUMENT'],
      [join(dir, 'outside.parquet'), 'INVALID_ARGUMENT'],
      [join(dir, 'telemetry.db'), 'INVALID_ARGUMENT'],
      ['../telemetry.db', 'INVALID_ARGUMENT'],
      ['link.parquet', 'INVALID_ARGUMENT'],
      ['linked-folder/victim.parquet', 'INVALID_ARGUMENT'],
      [join(exportsDir, 'linked-folder', 'victim.parquet'), 'INVALID_ARGUMENT'],
      ['folder.parquet', 'INVALID_ARGUMENT'],
      ['notes.txt', 'INVALID_ARGUMENT'],
      [`${newest!.name}.options.json`, 'INVALID_ARGUMENT'],
      ['.telemetry-raw-x.parquet.1a2b3c.tmp', 'INVALID_ARGUMENT'],
      ['/etc/passwd', 'INVALID_ARGUMENT'],
      ['missing.parquet', 'NOT_FOUND'],
      ['', 'INVALID_ARGUMENT'],
      [{ path: newest!.path }, 'INVALID_ARGUMENT'],
    ] as const;
    for (const [path, code] of refused) {
      const reply = await call('deleteExport', path);
      assert.equal(!reply.ok && reply.error.code, code, JSON.stringify(path));
    }
    assert.deepEqual(tree(), before);
    assert.ok(existsSync(join(dir, 'elsewhere', 'victim.parquet')));
  });

  test('a folder named like the options is not removed and does not fail the delete', async () => {
    writeFileSync(join(exportsDir, 'with-folder.parquet'), 'PAR1');
    mkdirSync(join(exportsDir, 'with-folder.parquet.options.json'));
    writeFileSync(join(exportsDir, 'with-folder.parquet.options.json', 'kept.txt'), 'not ours');
    assert.equal(await ok('deleteExport', 'with-folder.parquet'), undefined);
    assert.ok(!existsSync(join(exportsDir, 'with-folder.parquet')));
    assert.ok(existsSync(join(exportsDir, 'with-folder.parquet.options.json', 'kept.txt')));
    rmSync(join(exportsDir, 'with-folder.parquet.options.json'), { recursive: true });
  });

  test('deleting an export removes it and its options, and nothing else', async () => {
    const listed = await list();
    const exported = listed.find((file) => file.options !== null)!;
    const rest = listed.filter((file) => file !== exported);
    assert.ok(existsSync(`${exported.path}.options.json`));
    assert.equal(await ok('deleteExport', exported.path), undefined);
    assert.ok(!existsSync(exported.path));
    assert.ok(!existsSync(`${exported.path}.options.json`));
    assert.deepEqual(
      (await list()).map((file) => file.path),
      rest.map((file) => file.path),
    );
    const reply = await call('deleteExport', exported.path);
    assert.equal(!reply.ok && reply.error.code, 'NOT_FOUND', 'a second delete finds nothing');
    // A name relative to the exports folder works too.
    assert.equal(await ok('deleteExport', 'copied-in.parquet'), undefined);
    assert.ok(!existsSync(join(exportsDir, 'copied-in.parquet')));
    assert.ok(existsSync(join(dir, 'outside.parquet')));
  });
});
