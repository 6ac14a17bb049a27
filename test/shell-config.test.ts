/**
 * The shell's configuration: the data folder (flag over environment over ~/.futurnal/telemetry),
 * its files, the command-line flags, units from metric-name suffixes, and finding the Electron
 * binary without triggering a download.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import {
  DATA_DIR_ENV,
  dataPaths,
  ensureDataDirs,
  hostArgs,
  parseShellFlags,
  resolveDataDir,
} from '../electron/host/data-dir.ts';
import { findElectronBinary } from '../electron/scripts/electron-binary.ts';
import { unitOf } from '../electron/collector/units.ts';

test('the data folder: --data-dir, then the environment, then ~/.futurnal/telemetry', () => {
  assert.equal(resolveDataDir(parseShellFlags([]), {}), join(homedir(), '.futurnal', 'telemetry'));
  assert.equal(resolveDataDir(parseShellFlags([]), { [DATA_DIR_ENV]: '/srv/env-dir' }), '/srv/env-dir');
  assert.equal(
    resolveDataDir(parseShellFlags(['--data-dir', '/srv/flag']), { [DATA_DIR_ENV]: '/srv/env-dir' }),
    '/srv/flag',
  );
  assert.equal(resolveDataDir(parseShellFlags(['--data-dir=rel/dir']), {}), resolve('rel/dir'));
  assert.equal(resolveDataDir(parseShellFlags([]), { [DATA_DIR_ENV]: '' }), join(homedir(), '.futurnal', 'telemetry'));
});

test('the data folder holds telemetry.db and exports/', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'shell-config-')), 'nested', 'data');
  const paths = dataPaths(dir);
  assert.deepEqual(paths, { dataDir: dir, dbPath: join(dir, 'telemetry.db'), exportsDir: join(dir, 'exports') });
  ensureDataDirs(paths);
  assert.ok(statSync(paths.exportsDir).isDirectory());
  rmSync(join(dir, '..', '..'), { recursive: true, force: true });
});

test('flags: --port is checked, --remove is a switch, unknown arguments are ignored', () => {
  assert.deepEqual(parseShellFlags(['--port', '5199', '--remove', '.', '--enable-logging']), {
    port: 5199,
    remove: true,
  });
  assert.throws(() => parseShellFlags(['--port', 'http']), /--port/);
  assert.throws(() => parseShellFlags(['--port', '70000']), /--port/);
});

test('flags: --otlp[=PORT] turns the receiver on for the run (4318 bare), and reaches the storage host', () => {
  assert.deepEqual(parseShellFlags(['--otlp']), { otlp: 4318, remove: false });
  assert.deepEqual(parseShellFlags(['--otlp=0', '--port', '5199']), { otlp: 0, port: 5199, remove: false });
  // A bare --otlp never takes the next argument as its port.
  assert.deepEqual(parseShellFlags(['--otlp', '5000']), { otlp: 4318, remove: false });
  assert.equal(parseShellFlags(['--otlp=4000', '--otlp=4001']).otlp, 4001, 'the last one wins');
  assert.throws(() => parseShellFlags(['--otlp=http']), /--otlp must be an integer/);
  assert.throws(() => parseShellFlags(['--otlp=70000']), /--otlp/);
  // What Electron's main process and the preview hand the storage host, as the host parses it.
  assert.deepEqual(parseShellFlags(hostArgs('/srv/data', parseShellFlags(['--otlp=0']))), {
    dataDir: '/srv/data',
    otlp: 0,
    remove: false,
  });
  assert.deepEqual(parseShellFlags(hostArgs('/srv/data', parseShellFlags([]))), {
    dataDir: '/srv/data',
    remove: false,
  });
});

test('units come from the metric name suffix', () => {
  assert.equal(unitOf('process_resident_memory_bytes'), 'bytes');
  assert.equal(unitOf('process_cpu_percent'), 'percent');
  assert.equal(unitOf('telemetry_rollup_duration_milliseconds'), 'milliseconds');
  assert.equal(unitOf('telemetry_export_duration_seconds'), 'seconds');
  assert.equal(unitOf('telemetry_samples_ingested_total'), 'count');
  assert.equal(unitOf('host_load1'), 'none');
  assert.equal(unitOf('bytes_in_flight'), 'none');
});

test('the Electron binary is found through path.txt, never downloaded', () => {
  const root = mkdtempSync(join(tmpdir(), 'shell-electron-'));
  const packageDir = join(root, 'node_modules', 'electron');
  mkdirSync(join(packageDir, 'dist'), { recursive: true });
  const missing = findElectronBinary(root);
  assert.equal(missing.path, null);
  assert.match('reason' in missing ? missing.reason : '', /path\.txt/);
  writeFileSync(join(packageDir, 'path.txt'), 'electron');
  assert.equal(findElectronBinary(root).path, null, 'path.txt alone is not a binary');
  writeFileSync(join(packageDir, 'dist', 'electron'), '');
  assert.equal(findElectronBinary(root).path, join(packageDir, 'dist', 'electron'));
  assert.ok(existsSync(join(packageDir, 'dist', 'electron')));
  rmSync(root, { recursive: true, force: true });
});
