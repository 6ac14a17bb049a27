/**
 * Which Chromium the end-to-end tests run, on any machine: Playwright's own where it is installed;
 * else the system's (/usr/bin/chromium, or `chromium` / `chromium-browser` on PATH), so a machine
 * that has a browser (CI's Debian Chromium) never downloads one; else (the pre-step of `npm run
 * test:e2e` only) Playwright's downloaded by `npx playwright install chromium` where the download
 * host can be reached; where none is possible, one line saying what to install.
 * playwright.config.ts and the Node tests that drive Chromium launch what `browserHere` finds (no side
 * effects); run as a script (before the unit tests and `playwright test`), `ensureBrowser`.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import type { LaunchOptions } from 'playwright-core';
import { isMainModule } from '../../electron/scripts/project.ts';

export type Browser = { kind: 'playwright' } | { kind: 'system'; executablePath: string };

export const SYSTEM_CHROMIUM_PATHS: readonly string[] = ['/usr/bin/chromium'];
export const SYSTEM_CHROMIUM_NAMES: readonly string[] = ['chromium', 'chromium-browser'];

export const NO_BROWSER_MESSAGE =
  'No Chromium for the end-to-end tests: Playwright\'s could not be installed (no network) and no system Chromium was found (/usr/bin/chromium or "chromium" on PATH); install one with `npx playwright install chromium` or `sudo apt-get install chromium`.';

/** Where to look: the places a browser may be, and the PATH to search. */
export interface BrowserPlaces {
  /** Where Playwright's own Chromium would be (`chromium.executablePath()`). */
  playwrightExecutable: string;
  /** The PATH variable to search for a system Chromium. */
  pathEnv: string;
  systemPaths?: readonly string[];
  systemNames?: readonly string[];
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The system's Chromium: a fixed path first, else the first name found on PATH. */
export function systemChromium(places: BrowserPlaces): string | null {
  for (const path of places.systemPaths ?? SYSTEM_CHROMIUM_PATHS) if (isExecutableFile(path)) return path;
  const dirs = places.pathEnv.split(delimiter).filter((dir) => dir !== '');
  for (const name of places.systemNames ?? SYSTEM_CHROMIUM_NAMES) {
    for (const dir of dirs) if (isExecutableFile(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** The browser already on this machine (Playwright's first), or null. No download, no side effect. */
export function findBrowser(places: BrowserPlaces): Browser | null {
  if (isExecutableFile(places.playwrightExecutable)) return { kind: 'playwright' };
  const system = systemChromium(places);
  return system === null ? null : { kind: 'system', executablePath: system };
}

/** The browser already on this machine, for Playwright's `executablePath()`, searching the process's PATH. */
export function browserHere(playwrightExecutable: string): Browser | null {
  return findBrowser({ playwrightExecutable, pathEnv: process.env.PATH ?? '' });
}

/** Launch options for `browser`: none for Playwright's own (or none at all: its launch error says so). */
export function launchOptionsFor(browser: Browser | null): LaunchOptions {
  if (browser === null || browser.kind === 'playwright') return {};
  return {
    executablePath: browser.executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  };
}

/** How the pre-step may get Playwright's browser: whether it can download, and the download itself. */
export interface Installer {
  canDownload: () => Promise<boolean>;
  /** Runs the download; true when it finished. */
  install: () => boolean;
}

/**
 * The browser to use: the one `findBrowser` finds, else Playwright's, installed where it can be
 * downloaded; `NO_BROWSER_MESSAGE` when there is none.
 */
export async function ensureBrowser(
  places: BrowserPlaces,
  installer: Installer,
): Promise<{ browser: Browser } | { error: string }> {
  const found = findBrowser(places);
  if (found !== null) return { browser: found };
  if ((await installer.canDownload()) && installer.install() && isExecutableFile(places.playwrightExecutable)) {
    return { browser: { kind: 'playwright' } };
  }
  return { error: NO_BROWSER_MESSAGE };
}

const PROBE_TIMEOUT_MS = 3_000;
const INSTALL_TIMEOUT_MS = 15 * 60_000;

/**
 * The host a download goes to first: the HTTPS proxy when one is set, else Playwright's CDN; null
 * when the setting is not a URL (no download is tried then).
 */
function downloadEndpoint(env: NodeJS.ProcessEnv): { host: string; port: number } | null {
  const proxy = env.HTTPS_PROXY ?? env.https_proxy;
  const url = URL.parse(proxy ?? env.PLAYWRIGHT_DOWNLOAD_HOST ?? 'https://cdn.playwright.dev');
  if (url === null) return null;
  return { host: url.hostname, port: Number(url.port || (url.protocol === 'http:' ? 80 : 443)) };
}

/** Whether a TCP connection to the download host opens within a few seconds (offline machines say no at once). */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Whether PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD forbids a download, read as Playwright reads it: the
 * variable, else npm's config (`.npmrc`'s playwright_skip_browser_download reaches an npm script as
 * npm_config_…); any value but "", "0" and "false" says skip.
 */
export function skipsDownload(env: NodeJS.ProcessEnv): boolean {
  const value =
    env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD ??
    env.npm_config_playwright_skip_browser_download ??
    env.npm_package_config_playwright_skip_browser_download;
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

export function realInstaller(env: NodeJS.ProcessEnv = process.env): Installer {
  return {
    canDownload: () => {
      if (skipsDownload(env)) return Promise.resolve(false);
      const endpoint = downloadEndpoint(env);
      return endpoint === null ? Promise.resolve(false) : reachable(endpoint.host, endpoint.port);
    },
    install: () => {
      console.log("Installing Playwright's Chromium for the end-to-end tests (npx playwright install chromium)…");
      const run = spawnSync('npx', ['playwright', 'install', 'chromium'], {
        stdio: 'inherit',
        timeout: INSTALL_TIMEOUT_MS,
      });
      return run.status === 0;
    },
  };
}

async function main(): Promise<void> {
  const { chromium } = await import('@playwright/test');
  const places = { playwrightExecutable: chromium.executablePath(), pathEnv: process.env.PATH ?? '' };
  const outcome = await ensureBrowser(places, realInstaller());
  if ('error' in outcome) {
    console.error(outcome.error);
    process.exit(1);
  }
  const { browser } = outcome;
  console.log(
    `End-to-end tests run in ${browser.kind === 'playwright' ? "Playwright's Chromium" : browser.executablePath}`,
  );
}

if (isMainModule(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
