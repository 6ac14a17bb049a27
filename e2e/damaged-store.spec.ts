/**
 * The app on a damaged store, in real Chromium against the real preview: a data folder whose
 * telemetry.db is garbage opens on the recovery screen, which says what happened; "Move the file
 * aside" starts a fresh store and the normal panel, with nothing older than the fresh start, while
 * the damaged file is still there, byte for byte, under its new name.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataPaths } from '../electron/host/data-dir.ts';
import { seededRandom } from '../shared/random.ts';
import { openTab } from './support/panel.ts';
import { e2eRoot } from './support/env.ts';
import { startPreview } from './support/preview.ts';
import { expect, test } from './support/test.ts';

function garbage(length: number): Buffer {
  const random = seededRandom(14);
  return Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
}

test('a garbage store file: the panel explains, moves it aside and starts a fresh store', async ({
  page,
}, testInfo) => {
  const dataDir = join(e2eRoot(), `damaged-${testInfo.testId}-${testInfo.retry}`);
  mkdirSync(dataDir, { recursive: true });
  const { dbPath } = dataPaths(dataDir);
  const damaged = garbage(16_384);
  writeFileSync(dbPath, damaged);
  const preview = await startPreview(dataDir);
  try {
    await page.goto(preview.url);
    const screen = page.getByTestId('recovery');
    await expect(screen.getByRole('heading', { level: 1 })).toHaveText('The file is not a telemetry store');
    await expect(screen).toContainText(dbPath);
    await expect(screen).toContainText('NOT_A_STORE');
    await expect(screen.getByRole('button', { name: 'Retry' })).toHaveCount(0);
    await expect(screen.getByRole('button', { name: 'Quit' })).toBeVisible();
    expect(readFileSync(dbPath).equals(damaged)).toBe(true);
    await page.screenshot({ path: 'e2e/screenshots/recovery-light.png', fullPage: true });

    const clicked = Date.now();
    await screen.getByRole('button', { name: 'Move the file aside and start a fresh store' }).click();
    await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
    const note = page.getByRole('status').filter({ hasText: 'A fresh store was started' });
    await expect(note).toContainText(`${dbPath}.damaged-`);

    const keptAs = readdirSync(dataDir).filter((name) => name.startsWith('telemetry.db.damaged-'));
    expect(keptAs).toHaveLength(1);
    expect(keptAs[0]).toMatch(/^telemetry\.db\.damaged-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
    expect(readFileSync(join(dataDir, keptAs[0]!)).equals(damaged)).toBe(true);

    await openTab(page, 'Settings');
    const oldest = page.locator('[data-status="Oldest sample"] dd');
    await expect(oldest).toBeVisible();
    // Empty, or only what the collector recorded since the fresh start.
    const stamp = oldest.locator('time');
    if ((await stamp.count()) > 0) {
      expect(Date.parse((await stamp.getAttribute('datetime')) ?? '')).toBeGreaterThanOrEqual(clicked - 1000);
    }
    await expect(page.getByTestId('store-problems')).toHaveCount(0);
  } finally {
    await preview.stop();
  }
});
