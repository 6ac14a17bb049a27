/**
 * The accessibility check every spec can call: axe-core (@axe-core/playwright, pinned) over the
 * whole page as it stands, every rule axe runs by default (WCAG 2.x A and AA, plus its best
 * practices: landmarks, one h1, ...), and the test fails listing each violation with the elements
 * it found it on.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>;

/** One line per violation: its rule, impact and the first elements it was found on. */
function describeViolations(results: AxeResults): string[] {
  return results.violations.map((violation) => {
    const targets = violation.nodes
      .slice(0, 5)
      .map(
        (node) =>
          `${node.target.join(' ')}${node.failureSummary ? ` [${node.failureSummary.replace(/\s+/g, ' ')}]` : ''}`,
      );
    return `${violation.id} (${violation.impact ?? 'n/a'}): ${violation.help}: ${targets.join('; ')}`;
  });
}

/** Fails the test (at its end, so every view is reported) when axe finds a violation; `where` names the view. */
export async function expectNoAxeViolations(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  expect.soft(describeViolations(results), `axe violations on ${where}`).toEqual([]);
}
