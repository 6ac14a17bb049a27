/**
 * How the e2e tests find their browser (e2e/support/find-browser.ts), over real files in a temp
 * dir standing for Playwright's browser folder, the system's fixed path and PATH: Playwright's own
 * first, else the system's Chromium (fixed path, then PATH; a file that is not executable does not
 * count), with no probe and no download in either case; a download only where neither is there and
 * the host can be reached, used once it put the browser in place; else one line naming what to
 * install. PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD is read as Playwright reads it. Whether the download host can
 * be reached is probed over real TCP on loopback (a listening port, a closed one), and the script
 * itself runs as `npm run test:e2e` runs it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ensureBrowser,
  findBrowser,
  NO_BROWSER_MESSAGE,
  realInstaller,
  skipsDownload,
  type BrowserPlaces,
  type Installer,
} from '../e2e/support/find-browser.ts';

function executable(path: string): string {
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, 0o755);
  return path;
}

/** An installer that records its calls; its install puts the browser in place when `works`. */
function fakeInstaller(online: boolean, works: boolean, browserPath: string) {
  const calls = { probe: 0, install: 0 };
  const installer: Installer = {
    canDownload: () => {
      calls.probe++;
      return Promise.resolve(online);
    },
    install: () => {
      calls.install++;
      if (works) executable(browserPath);
      return works;
    },
  };
  return { installer, calls };
}

describe('finding a browser for the e2e tests', () => {
  let dir: string;
  let playwrightExecutable: string;
  let fixedPath: string;
  let binA: string;
  let binB: string;

  const places = (pathDirs: string[], systemPaths = [fixedPath]): BrowserPlaces => ({
    playwrightExecutable,
    pathEnv: pathDirs.join(delimiter),
    systemPaths,
  });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'find-browser-'));
    mkdirSync(join(dir, 'ms-playwright', 'chromium-1'), { recursive: true });
    playwrightExecutable = join(dir, 'ms-playwright', 'chromium-1', 'chrome');
    mkdirSync(join(dir, 'usr-bin'));
    fixedPath = join(dir, 'usr-bin', 'chromium');
    binA = join(dir, 'bin-a');
    binB = join(dir, 'bin-b');
    mkdirSync(binA);
    mkdirSync(binB);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  const reset = () => {
    for (const path of [playwrightExecutable, fixedPath, join(binA, 'chromium'), join(binB, 'chromium')]) {
      rmSync(path, { force: true });
    }
    rmSync(join(binB, 'chromium-browser'), { force: true });
  };

  test("Playwright's own browser first, without probing the network", async () => {
    reset();
    executable(playwrightExecutable);
    executable(fixedPath);
    const { installer, calls } = fakeInstaller(true, true, playwrightExecutable);
    assert.deepEqual(await ensureBrowser(places([binA]), installer), { browser: { kind: 'playwright' } });
    assert.deepEqual(calls, { probe: 0, install: 0 });
    assert.deepEqual(findBrowser(places([binA])), { kind: 'playwright' });
  });

  test("a system Chromium is used as it is: no probe, no download, even online (CI's Debian Chromium)", async () => {
    reset();
    executable(fixedPath);
    const { installer, calls } = fakeInstaller(true, true, playwrightExecutable);
    assert.deepEqual(await ensureBrowser(places([binA]), installer), {
      browser: { kind: 'system', executablePath: fixedPath },
    });
    assert.deepEqual(calls, { probe: 0, install: 0 });
    assert.ok(!existsSync(playwrightExecutable));
  });

  test('no browser at all and downloadable: installed, then used', async () => {
    reset();
    const { installer, calls } = fakeInstaller(true, true, playwrightExecutable);
    assert.deepEqual(await ensureBrowser(places([binA]), installer), { browser: { kind: 'playwright' } });
    assert.deepEqual(calls, { probe: 1, install: 1 });
    assert.ok(existsSync(playwrightExecutable));
  });

  test("the system's Chromium at its fixed path before one on PATH", async () => {
    reset();
    executable(fixedPath);
    executable(join(binA, 'chromium'));
    const { installer, calls } = fakeInstaller(false, true, playwrightExecutable);
    const outcome = await ensureBrowser(places([binA]), installer);
    assert.deepEqual(outcome, { browser: { kind: 'system', executablePath: fixedPath } });
    assert.deepEqual(calls, { probe: 0, install: 0 });
    assert.ok(!existsSync(playwrightExecutable));
  });

  test('`chromium` on PATH, in PATH order', async () => {
    reset();
    executable(join(binA, 'chromium'));
    executable(join(binB, 'chromium'));
    const { installer, calls } = fakeInstaller(true, false, playwrightExecutable);
    const outcome = await ensureBrowser(places([join(dir, 'missing'), binA, binB]), installer);
    assert.deepEqual(outcome, { browser: { kind: 'system', executablePath: join(binA, 'chromium') } });
    assert.deepEqual(calls, { probe: 0, install: 0 });
    assert.deepEqual(findBrowser(places([binB, binA])), { kind: 'system', executablePath: join(binB, 'chromium') });
  });

  test('`chromium-browser` counts; a file that is not executable, or a folder, does not', async () => {
    reset();
    writeFileSync(join(binA, 'chromium'), 'not a program');
    mkdirSync(fixedPath);
    executable(join(binB, 'chromium-browser'));
    const { installer } = fakeInstaller(false, false, playwrightExecutable);
    const outcome = await ensureBrowser(places([binA, binB]), installer);
    assert.deepEqual(outcome, { browser: { kind: 'system', executablePath: join(binB, 'chromium-browser') } });
    rmSync(fixedPath, { recursive: true });
  });

  test('none at all and the download fails, or the host cannot be reached: one line saying what to install', async () => {
    reset();
    for (const online of [true, false]) {
      const { installer, calls } = fakeInstaller(online, false, playwrightExecutable);
      const outcome = await ensureBrowser(places([binA, binB]), installer);
      assert.deepEqual(outcome, { error: NO_BROWSER_MESSAGE });
      assert.deepEqual(calls, { probe: 1, install: online ? 1 : 0 });
    }
    assert.equal(NO_BROWSER_MESSAGE.split('\n').length, 1);
    assert.match(NO_BROWSER_MESSAGE, /npx playwright install chromium/);
    assert.match(NO_BROWSER_MESSAGE, /apt-get install chromium/);
    assert.equal(findBrowser(places([binA, binB])), null);
  });
});

describe('whether the download host can be reached', () => {
  let server: Server;
  let openPort: number;
  let closedPort: number;

  before(async () => {
    server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    openPort = (server.address() as AddressInfo).port;
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('through the HTTPS proxy when one is set: a listening port yes, a closed one no', async () => {
    assert.equal(await realInstaller({ HTTPS_PROXY: `http://127.0.0.1:${openPort}` }).canDownload(), true);
    assert.equal(await realInstaller({ https_proxy: `http://127.0.0.1:${closedPort}` }).canDownload(), false);
  });

  test('PLAYWRIGHT_DOWNLOAD_HOST is probed; PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD says no without probing', async () => {
    assert.equal(await realInstaller({ PLAYWRIGHT_DOWNLOAD_HOST: `http://127.0.0.1:${openPort}` }).canDownload(), true);
    const skip = { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', HTTPS_PROXY: `http://127.0.0.1:${openPort}` };
    assert.equal(await realInstaller(skip).canDownload(), false);
  });

  test('a proxy setting that is not a URL means no download (then the one line), not a crash', async () => {
    assert.equal(await realInstaller({ HTTPS_PROXY: '10.0.0.1:3128' }).canDownload(), false);
  });

  test('PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD is read as Playwright reads it, npm config included', () => {
    const says = (env: Record<string, string>) => skipsDownload(env);
    assert.equal(says({}), false);
    for (const no of ['', '0', 'false']) assert.equal(says({ PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: no }), false, no);
    for (const yes of ['1', 'true']) assert.equal(says({ PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: yes }), true, yes);
    assert.equal(says({ npm_config_playwright_skip_browser_download: '1' }), true);
    assert.equal(says({ npm_package_config_playwright_skip_browser_download: 'true' }), true);
    // The variable wins over npm's config, as in Playwright.
    const both = { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '0', npm_config_playwright_skip_browser_download: '1' };
    assert.equal(says(both), false);
  });
});

describe('the pre-step script', () => {
  test('offline, without Playwright browsers: picks a system Chromium and says which', () => {
    const dir = mkdtempSync(join(tmpdir(), 'find-browser-cli-'));
    try {
      const bin = join(dir, 'bin');
      mkdirSync(bin);
      executable(join(bin, 'chromium'));
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'e2e/support/find-browser.ts'], {
        encoding: 'utf8',
        env: {
          ...process.env,
          PATH: bin,
          PLAYWRIGHT_BROWSERS_PATH: join(dir, 'no-browsers'),
          PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
        },
      });
      assert.equal(run.status, 0, run.stderr);
      const expected = existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : join(bin, 'chromium');
      assert.equal(run.stdout.trim(), `End-to-end tests run in ${expected}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
