/**
 * The e2e `test`: every test gets its own copy of a seeded data dir and its own running preview
 * (`seed` chooses the template), plus the fixture's anchor time.
 */
import { test as base } from '@playwright/test';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { e2eRoot, fixtureAnchorFromEnv, templateDir, type Seed } from './env.ts';
import { startPreview, type Preview } from './preview.ts';

interface Fixtures {
  seed: Seed;
  preview: Preview;
  anchor: number;
}

export const test = base.extend<Fixtures>({
  seed: ['demo', { option: true }],
  preview: async ({ seed }, use, testInfo) => {
    const dataDir = join(e2eRoot(), `run-${testInfo.testId}-${testInfo.retry}`);
    cpSync(templateDir(seed), dataDir, { recursive: true });
    const preview = await startPreview(dataDir);
    await use(preview);
    await preview.stop();
  },
  // Playwright requires the fixtures argument to be an object pattern, even when none is used.
  // eslint-disable-next-line no-empty-pattern
  anchor: async ({}, use) => use(fixtureAnchorFromEnv()),
});

export { expect } from '@playwright/test';
