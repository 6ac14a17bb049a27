/**
 * Keyboard and screen readers, in real Chromium against the real preview, with no console error
 * on any view (support/strict-test.ts): axe-core finds no violation on any view (metrics, alerts,
 * export with its result, settings with the status, the first run's empty store, the recovery
 * screen) in light and dark; the sections are real tabs moved through with arrow keys; a skip link
 * passes the top bar; the metric list is one Tab stop moved through with arrow keys; the focus ring
 * is whole on the toolbar, the tabs, the list and every control of the alerts, export and settings
 * views.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Locator } from '@playwright/test';
import { join } from 'node:path';
import { dataPaths } from '../electron/host/data-dir.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { e2eRoot } from './support/env.ts';
import { FIXTURE } from './support/fixture-data.ts';
import { focusRingProblem } from './support/focus-ring.ts';
import { openTab, waitForChartIdle } from './support/panel.ts';
import { startPreview } from './support/preview.ts';
import { expect, test } from './support/strict-test.ts';

const SECTIONS = ['Metrics', 'Alerts', 'Export', 'Settings'] as const;

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds no violation on any view in the ${colorScheme} theme`, async ({ page, preview }) => {
    await page.emulateMedia({ colorScheme });
    await page.goto(preview.url);
    await waitForChartIdle(page);
    await expectNoAxeViolations(page, `metrics (${colorScheme})`);

    await openTab(page, 'Alerts');
    await expect(page.getByTestId('alert-row').first()).toBeVisible();
    await expectNoAxeViolations(page, `alerts (${colorScheme})`);

    await openTab(page, 'Export');
    await page.getByText('Options').click();
    await page.getByRole('button', { name: 'Export anonymised Parquet' }).click();
    await expect(page.getByTestId('export-result')).toBeVisible({ timeout: 60_000 });
    await expectNoAxeViolations(page, `export (${colorScheme})`);

    await openTab(page, 'Settings');
    await expect(page.locator('[data-status="Oldest sample"] dd')).toBeVisible();
    await expectNoAxeViolations(page, `settings and status (${colorScheme})`);
  });

  test(`axe finds no violation on the first run's empty store in the ${colorScheme} theme`, async ({
    page,
  }, testInfo) => {
    const dataDir = join(e2eRoot(), `a11y-empty-${testInfo.testId}-${testInfo.retry}`);
    mkdirSync(dataDir, { recursive: true });
    const preview = await startPreview(dataDir);
    try {
      await page.emulateMedia({ colorScheme });
      await page.goto(preview.url);
      await expect(page.getByRole('heading', { level: 1, name: 'No metrics recorded yet' })).toBeVisible();
      await expectNoAxeViolations(page, `first run, empty store (${colorScheme})`);
    } finally {
      await preview.stop();
    }
  });

  test(`axe finds no violation on the recovery screen in the ${colorScheme} theme`, async ({ page }, testInfo) => {
    const dataDir = join(e2eRoot(), `a11y-damaged-${testInfo.testId}-${testInfo.retry}`);
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(dataPaths(dataDir).dbPath, Buffer.alloc(16_384, 0x5a));
    const preview = await startPreview(dataDir);
    try {
      await page.emulateMedia({ colorScheme });
      await page.goto(preview.url);
      const screen = page.getByTestId('recovery');
      await expect(screen.getByRole('heading', { level: 1 })).toBeVisible();
      await expectNoAxeViolations(page, `recovery (${colorScheme})`);
      await screen.getByRole('button', { name: 'Move the file aside and start a fresh store' }).click();
      await expect(page.getByRole('status').filter({ hasText: 'A fresh store was started' })).toBeVisible();
      await expectNoAxeViolations(page, `fresh store after recovery (${colorScheme})`);
    } finally {
      await preview.stop();
    }
  });
}

test('the sections are tabs: one Tab stop, arrow keys, Home and End move and open them', async ({ page, preview }) => {
  await page.goto(preview.url);
  const tablist = page.getByRole('tablist', { name: 'Sections' });
  const tab = (name: string) => tablist.getByRole('tab', { name });
  await expect(tablist.getByRole('tab')).toHaveCount(SECTIONS.length);
  await expect(tab('Metrics')).toHaveAttribute('aria-selected', 'true');
  await expect(tablist.locator('[tabindex="0"]')).toHaveCount(1);

  const expectOpen = async (name: string) => {
    await expect(tab(name)).toBeFocused();
    await expect(tab(name)).toHaveAttribute('aria-selected', 'true');
    await expect(tablist.locator('[aria-selected="true"]')).toHaveCount(1);
    await expect(page.getByRole('tabpanel', { name })).toBeVisible();
    await expect(tablist.locator('[tabindex="0"]')).toHaveText(name);
  };
  await tab('Metrics').focus();
  await page.keyboard.press('ArrowRight');
  await expectOpen('Alerts');
  await expect(page.getByTestId('alert-row').first()).toBeVisible();
  await page.keyboard.press('End');
  await expectOpen('Settings');
  await page.keyboard.press('ArrowRight');
  await expectOpen('Metrics');
  await page.keyboard.press('ArrowLeft');
  await expectOpen('Settings');
  await page.keyboard.press('Home');
  await expectOpen('Metrics');
  // Tab leaves the tablist at once: the sections are one stop.
  await page.keyboard.press('Tab');
  await expect(tablist.locator(':focus')).toHaveCount(0);
});

test('the skip link is the first Tab stop and moves focus past the top bar', async ({ page, preview }) => {
  await page.goto(preview.url);
  await waitForChartIdle(page);
  const hash = new URL(page.url()).hash;
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();
  expect(new URL(page.url()).hash, 'the address (the view in its hash) is left alone').toBe(hash);
  await page.keyboard.press('Tab');
  const focusedInMain = await page.evaluate(() => document.querySelector('main')?.contains(document.activeElement));
  expect(focusedInMain).toBe(true);
});

test('the metric list is one Tab stop; arrow keys, Home and End move in it, Enter opens', async ({ page, preview }) => {
  await page.goto(preview.url);
  await waitForChartIdle(page);
  const list = page.getByRole('navigation', { name: 'Metrics' });
  const items = list.getByRole('listitem').getByRole('button');
  // The tab opens on the overview (no metric current): open the first metric's detailed view.
  await items.first().click();
  await waitForChartIdle(page);
  const count = await items.count();
  expect(count).toBeGreaterThan(3);
  await expect(list.locator('li button[tabindex="0"]')).toHaveCount(1);
  await expect(list.locator('li button[tabindex="0"]')).toHaveAttribute('aria-current', 'true');

  // From the search box, one Tab reaches the list and the next leaves it.
  await list.getByRole('searchbox').focus();
  await page.keyboard.press('Tab');
  await expect(items.nth(0)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(items.nth(1)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(items.nth(2)).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(items.nth(1)).toBeFocused();
  await page.keyboard.press('End');
  await expect(items.nth(count - 1)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(items.nth(0)).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(items.nth(count - 1)).toBeFocused();
  await page.keyboard.press('Home');
  await expect(items.nth(0)).toBeFocused();
  await expect(list.locator('li button[tabindex="0"]')).toHaveCount(1);

  const target = items.filter({ hasText: FIXTURE.metric });
  const index = (await items.allTextContents()).findIndex((text) => text.startsWith(FIXTURE.metric));
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
  await expect(target).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: FIXTURE.metric })).toBeVisible();
  await expect(target).toHaveAttribute('aria-current', 'true');

  await target.focus();
  await page.keyboard.press('Tab');
  expect(await list.locator(':focus').count(), 'one Tab leaves the list').toBe(0);
});

/** The controls checked per view: its forms and the first rows of its lists. */
const CONTROLS_PER_VIEW = 60;

test('the focus ring is whole on the toolbar, the tabs, the metric list and every control of the other views', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  await waitForChartIdle(page);
  // A key press first, so the browser shows focus as it does for keyboard users.
  await page.keyboard.press('Tab');
  const controls = [
    ...(await page.getByRole('group', { name: 'Quick ranges' }).getByRole('button').all()),
    page.getByRole('button', { name: 'Zoom out' }),
    ...(await page.getByRole('tablist', { name: 'Sections' }).getByRole('tab').all()),
    page.getByRole('navigation', { name: 'Metrics' }).locator('li button[tabindex="0"]'),
    page.getByRole('navigation', { name: 'Metrics' }).getByRole('searchbox'),
  ];
  expect(controls.length).toBeGreaterThan(8);
  const problems: string[] = [];
  const check = async (control: Locator) => {
    await control.focus();
    const problem = await focusRingProblem(control);
    if (problem !== null) problems.push(problem);
  };
  for (const control of controls) await check(control);
  // Every control of the Export and Settings views (options opened), alerts' filters included.
  for (const section of ['Alerts', 'Export', 'Settings'] as const) {
    await openTab(page, section);
    await expect(page.getByRole('tabpanel', { name: section }).getByRole('button').first()).toBeVisible();
    if (section === 'Export') await page.getByText('Options').click();
    await page.keyboard.press('Tab');
    const inPanel = page.getByRole('tabpanel', { name: section }).locator('button, input, select, summary, a[href]');
    // Every kind of control, not each of the hundreds of repeated rows (an incident list's buttons).
    for (const control of (await inPanel.all()).slice(0, CONTROLS_PER_VIEW)) {
      if ((await control.isVisible()) && (await control.isEnabled())) await check(control);
    }
  }
  expect(problems).toEqual([]);
});
