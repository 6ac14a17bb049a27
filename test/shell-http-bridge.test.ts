/**
 * The browser preview end to end: real Chromium loads a page from the real preview server (backed
 * by a real storage host process) whose only script is the HTTP bridge; `window.telemetry` then
 * behaves as in Electron: calls resolve, failures reject with `{ code, message }`, export progress
 * arrives through the EventSource, and the strict CSP blocks nothing the bridge needs.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { StorageHostClient, forkNodeHost } from '../electron/host/host-client.ts';
import { startPreviewServer, type PreviewServer } from '../electron/preview/preview-server.ts';
import type { PanelErrorPayload } from '../shared/errors.ts';
import type { ExportProgress } from '../shared/events.ts';
import type { TelemetryBridge } from '../shared/panel-api.ts';
import { projectRoot } from '../electron/scripts/project.ts';
import { browserHere, launchOptionsFor } from '../e2e/support/find-browser.ts';

/**
 * The page's window, as the bridge defines it. Functions passed to page.evaluate run in the
 * browser, so they declare no named functions (tsx would wrap those in a helper the page lacks).
 */
type BridgeWindow = { telemetry: TelemetryBridge };

describe('HTTP bridge in a real browser', () => {
  let dir: string;
  let client: StorageHostClient;
  let server: PreviewServer;
  let browser: Browser;
  let page: Page;
  const violations: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shell-bridge-'));
    const staticDir = join(dir, 'renderer');
    mkdirSync(staticDir);
    await build({
      stdin: {
        contents: "import { installHttpBridge } from './renderer/src/bridge/http-bridge.ts'; installHttpBridge();",
        resolveDir: projectRoot(),
        loader: 'ts',
      },
      bundle: true,
      format: 'iife',
      outfile: join(staticDir, 'bridge.js'),
      logLevel: 'warning',
    });
    writeFileSync(
      join(staticDir, 'index.html'),
      '<!doctype html><title>bridge</title><script src="./bridge.js"></script>',
    );
    client = await StorageHostClient.start(forkNodeHost(join(dir, 'data')));
    await client.recordSamples(
      Array.from({ length: 50 }, (_, i) => ({
        name: 'test_queue_total',
        value: i,
        timestamp: Date.now() - 60_000 * (i + 1),
      })),
    );
    server = await startPreviewServer({ backend: client, staticDir });
    browser = await chromium.launch(launchOptionsFor(browserHere(chromium.executablePath())));
    page = await browser.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(server.url);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('window.telemetry offers the panel API and calls reach the host', async () => {
    const metrics = await page.evaluate(() => (window as unknown as BridgeWindow).telemetry.listMetrics());
    assert.deepEqual(
      metrics.find((m) => m.name === 'test_queue_total'),
      { name: 'test_queue_total', seriesCount: 1, unit: 'count', type: 'counter' },
    );
    const settings = await page.evaluate(() => (window as unknown as BridgeWindow).telemetry.getSettings());
    assert.equal(settings.dataDir, join(dir, 'data'));
    const frozen = await page.evaluate(() => {
      const w = window as unknown as { telemetry: unknown };
      w.telemetry = null;
      return Object.isFrozen(w.telemetry) && w.telemetry !== null;
    });
    assert.equal(frozen, true, 'the page cannot replace or alter the bridge');
  });

  test('a failed call rejects with { code, message }, as over Electron IPC', async () => {
    const error = await page.evaluate(() =>
      (window as unknown as BridgeWindow).telemetry.setRetentionDays(0).then(
        () => null,
        (err: PanelErrorPayload) => ({ code: err.code, message: err.message, isError: err instanceof Error }),
      ),
    );
    assert.equal(error?.code, 'INVALID_ARGUMENT');
    assert.match(error?.message ?? '', /setRetentionDays/);
    assert.equal(error?.isError, false);
  });

  test('export progress arrives through the event stream', async () => {
    const outcome = await page.evaluate(async () => {
      const { telemetry } = window as unknown as { telemetry: TelemetryBridge };
      const seen: ExportProgress[] = [];
      const unsubscribe = telemetry.on('export-progress', (p) => seen.push(p));
      // The EventSource connects asynchronously: export again until its progress comes through.
      let rows = -1;
      for (let attempt = 0; attempt < 40 && !seen.some((p) => p.done === rows); attempt++) {
        rows = (await telemetry.exportParquet({})).rows;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      unsubscribe();
      return { rows, last: seen.at(-1) ?? null };
    });
    assert.ok(outcome.rows >= 50);
    assert.deepEqual(outcome.last, { done: outcome.rows, total: outcome.rows });
  });

  test('the strict CSP blocked nothing', () => {
    assert.deepEqual(violations, []);
  });
});
