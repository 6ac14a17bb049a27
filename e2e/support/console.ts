/**
 * Collects a page's console errors and uncaught exceptions, so a spec can require that none
 * happened. The favicon's 404 is left to the test that checks the favicon.
 */
import type { Page } from '@playwright/test';

export function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (message.location().url.endsWith('/favicon.ico')) return;
    errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return errors;
}
