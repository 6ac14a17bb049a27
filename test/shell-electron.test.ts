/**
 * The real Electron app, launched with Playwright's _electron: the window gets `window.telemetry`
 * (the panel API) but no Node.js and no ipcRenderer, calls reach the storage host, navigation away
 * is blocked. Skips, saying why, where the Electron binary is not installed (it cannot be
 * downloaded everywhere); every other shell test runs under plain Node.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { _electron } from 'playwright-core';
import { buildElectron } from '../electron/scripts/build.ts';
import { findElectronBinary } from '../electron/scripts/electron-binary.ts';
import { ensureRendererBuilt, projectRoot } from '../electron/scripts/project.ts';

test('the Electron window exposes only the panel API and reaches the storage host', async (t) => {
  const root = projectRoot();
  const electron = findElectronBinary(root);
  if (electron.path === null) {
    const reason = `Electron binary not installed (${electron.reason})`;
    console.log(`Skipping the Electron launch test: ${reason}`);
    t.skip(reason);
    return;
  }
  await buildElectron(root);
  assert.ok(ensureRendererBuilt(root), 'the renderer builds');
  const dataDir = mkdtempSync(join(tmpdir(), 'shell-electron-'));
  const app = await _electron.launch({ executablePath: electron.path, args: [root, '--data-dir', dataDir] });
  try {
    const window = await app.firstWindow();
    const exposed = await window.evaluate(() => ({
      telemetry: Object.keys((window as unknown as { telemetry: object }).telemetry).sort(),
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }));
    assert.ok(exposed.telemetry.includes('listMetrics'));
    assert.ok(!exposed.telemetry.includes('invoke'));
    assert.equal(exposed.require, 'undefined');
    assert.equal(exposed.process, 'undefined');
    const settings = await window.evaluate(() =>
      (window as unknown as { telemetry: { getSettings(): Promise<{ dataDir: string }> } }).telemetry.getSettings(),
    );
    assert.equal(settings.dataDir, dataDir);
    const before = window.url();
    await window.evaluate(() => {
      location.href = 'https://example.com/';
    });
    await assert.rejects(window.waitForURL('https://example.com/**', { timeout: 3000 }), 'navigation away is blocked');
    assert.equal(window.url(), before);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
