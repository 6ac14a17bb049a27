/**
 * The e2e `test` that fails on any console error or uncaught page error (a failed resource such as
 * a 404 included), on top of support/test.ts. A spec adopts it by importing `test` and `expect` from
 * here instead; one that expects a given error lists it in `allowedConsoleErrors`
 * (`test.use({ allowedConsoleErrors: [/…/] })`).
 */
import type { ConsoleMessage, Page } from '@playwright/test';
import { expect, test as base } from './test.ts';

interface StrictFixtures {
  /** Errors (console or page) that are expected, matched against "console: <text> (<url>)" / "page error: <message>". */
  allowedConsoleErrors: RegExp[];
  /** Every error seen so far in this test's page (checked, and the test failed, after the test). */
  consoleErrors: string[];
}

function describeConsole(message: ConsoleMessage): string {
  const where = message.location().url;
  return `console: ${message.text()}${where === '' ? '' : ` (${where})`}`;
}

/** Collects every console error and page error of `page` into the returned list. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(describeConsole(message));
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  return errors;
}

export const test = base.extend<StrictFixtures>({
  allowedConsoleErrors: [[], { option: true }],
  consoleErrors: [
    async ({ page, allowedConsoleErrors }, use) => {
      const errors = collectErrors(page);
      await use(errors);
      const unexpected = errors.filter((error) => !allowedConsoleErrors.some((allowed) => allowed.test(error)));
      expect(unexpected, 'console errors and page errors during the test').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
