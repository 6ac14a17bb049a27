/**
 * The esbuild bundles Electron runs: the preload is CommonJS needing nothing but `electron` (a
 * sandboxed preload can require nothing else) and exposes exactly the panel API, never
 * ipcRenderer; the storage host bundle runs as a real child process and serves calls; main is an
 * ES module importing only electron and Node built-ins. The packaging config passes
 * electron-builder's own loader and schema and flips Electron's security fuses.
 */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import { buildElectron } from '../electron/scripts/build.ts';
import { StorageHostClient, type HostChannel } from '../electron/host/host-client.ts';
import { PANEL_METHODS, TRANSPORT, type TelemetryBridge } from '../shared/panel-api.ts';
import { projectRoot } from '../electron/scripts/project.ts';

describe('electron bundles', () => {
  const root = projectRoot();
  // Inside the repository (.tmp/ is git-ignored) so that the bundles resolve better-sqlite3.
  const outDir = join(root, '.tmp', `shell-build-${process.pid}`);

  before(() => buildElectron(root, outDir));
  after(() => rmSync(outDir, { recursive: true, force: true }));

  test('the preload is CommonJS, requires only electron and exposes exactly the panel API', async () => {
    const code = readFileSync(join(outDir, 'preload.cjs'), 'utf8');
    assert.deepEqual([...new Set(code.match(/require\("[^"]+"\)/g))], ['require("electron")']);
    assert.doesNotMatch(code, /^\s*(import|export)\s/m);

    const exposed = new Map<string, TelemetryBridge>();
    const invoked: [string, unknown][] = [];
    const listeners = new Map<string, (...args: unknown[]) => void>();
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: TelemetryBridge) => exposed.set(key, api) },
      ipcRenderer: {
        invoke: async (channel: string, envelope: { method: string }) => {
          invoked.push([channel, envelope]);
          return envelope.method === 'getSettings'
            ? { ok: true, result: { retentionDays: 30 } }
            : { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'no' } };
        },
        on: (channel: string, listener: (...args: unknown[]) => void) => listeners.set(channel, listener),
        removeListener: (channel: string) => listeners.delete(channel),
      },
    };
    const module = { exports: {} };
    runInNewContext(code, {
      require: (name: string) => (name === 'electron' ? electron : undefined),
      module,
      exports: module.exports,
    });

    assert.deepEqual([...exposed.keys()], ['telemetry']);
    const bridge = exposed.get('telemetry')!;
    assert.deepEqual(Object.keys(bridge).sort(), [...PANEL_METHODS, 'on', 'recovery'].sort());
    assert.deepEqual(await bridge.getSettings(), { retentionDays: 30 });
    await assert.rejects(bridge.recovery.recover('move-aside'), { code: 'INVALID_ARGUMENT' });
    await assert.rejects(bridge.setRetentionDays(0), (err: unknown) => {
      assert.deepEqual(err, { code: 'INVALID_ARGUMENT', message: 'no' });
      return true;
    });
    // The bundle ran in its own realm: compare plain data.
    assert.deepEqual(JSON.parse(JSON.stringify(invoked)), [
      [TRANSPORT.callChannel, { method: 'getSettings', args: [] }],
      [TRANSPORT.recoveryChannel, { method: 'recover', args: ['move-aside'] }],
      [TRANSPORT.callChannel, { method: 'setRetentionDays', args: [0] }],
    ]);
    const seen: unknown[] = [];
    const unsubscribe = bridge.on('export-progress', (p) => seen.push(p));
    listeners.get(TRANSPORT.eventChannel)?.({}, { name: 'export-progress', payload: { done: 1, total: 2 } });
    listeners.get(TRANSPORT.eventChannel)?.({}, { name: 'no-such-event', payload: { done: 9, total: 9 } });
    assert.deepEqual(seen, [{ done: 1, total: 2 }]);
    unsubscribe();
    assert.equal(listeners.has(TRANSPORT.eventChannel), false);
  });

  test('the storage host bundle runs as a child process and serves calls', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'shell-build-data-'));
    const child = fork(join(outDir, 'storage-host.cjs'), ['--data-dir', dataDir], {
      execArgv: [],
      serialization: 'advanced',
    });
    const channel: HostChannel = {
      post: (request) => child.send(request),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', listener),
      kill: () => child.kill('SIGKILL'),
    };
    const client = await StorageHostClient.start(channel);
    assert.equal((await client.panel.getSettings()).dataDir, dataDir);
    assert.equal(await client.close(), 0);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('main is an ES module importing only electron and Node built-ins', () => {
    const code = readFileSync(join(outDir, 'main.js'), 'utf8');
    const imports = [...code.matchAll(/^import [^;]*? from "([^"]+)";$/gms)].map((m) => m[1]);
    assert.ok(imports.includes('electron'));
    assert.deepEqual(
      imports.filter((name) => name !== 'electron' && !name?.startsWith('node:')),
      [],
    );
    assert.doesNotMatch(code, /require\("/);
  });
});

describe('packaging config', () => {
  test("electron-builder.yml passes electron-builder's schema and flips the security fuses", async () => {
    const config = await getConfig(projectRoot(), 'electron-builder.yml', null);
    await validateConfiguration(config, new DebugLogger(false));
    assert.deepEqual(config.electronFuses, {
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
    assert.notEqual(config.asar, false, 'the fuses that check app.asar need an asar archive');
  });
});
