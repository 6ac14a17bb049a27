/**
 * Settings, "Other apps", in real Chromium against the real preview: a prom-client registry served
 * on a loopback port is added as a scrape target, is scraped (up, with its time and duration; the
 * status view counts its accepted points) and its metric shows in the metric list; a target off this
 * machine is refused inline; the target is removed; the OTLP receiver's switch turns it on (its
 * address and the SDK's environment show) and off, and it stays as saved across a reload. No
 * console error on the way (strict-test), and axe finds no violation with a target listed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import client from 'prom-client';
import { expectNoAxeViolations } from './support/axe.ts';
import { openTab } from './support/panel.ts';
import { expect, test } from './support/strict-test.ts';

test.use({ seed: 'fixture' });

let server: Server;
let metricsUrl = '';

test.beforeAll(async () => {
  const registry = new client.Registry();
  const counter = new client.Counter({ name: 'e2e_worker_jobs_total', help: 'Jobs done', registers: [registry] });
  counter.inc(42);
  server = createServer((_req, res) => {
    void registry.metrics().then((body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  metricsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
});

test.afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test('a scrape target is added, scraped and removed; a remote one is refused inline', async ({ page, preview }) => {
  await page.goto(preview.url);
  await openTab(page, 'Settings');
  const section = page.getByRole('region', { name: 'Other apps' });
  const form = section.getByRole('form', { name: 'Add a scrape target' });

  await form.getByLabel('URL').fill('http://192.0.2.1:9100/metrics');
  await form.getByRole('button', { name: 'Add target' }).click();
  await expect(form.getByRole('alert')).toContainText('only this machine can be scraped');
  await expect(section.getByTestId('scrape-target')).toHaveCount(0);

  await form.getByLabel('URL').fill(metricsUrl);
  await form.getByLabel('Every').fill('2');
  await form.getByLabel('Job').fill('e2e-worker');
  await form.getByRole('button', { name: 'Add target' }).click();
  await expect(form.getByRole('alert')).toHaveCount(0);
  const row = section.getByTestId('scrape-target');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(metricsUrl);
  await expect(row).toContainText('e2e-worker');
  await expect(row).toHaveAttribute('data-up', '1');
  await expect(row.locator('.badge')).toHaveText('up');
  await expect(row.locator('time')).toBeVisible();
  await expect(row).toContainText(/in \d+ ms/);
  await expectNoAxeViolations(page, 'other apps with a scrape target');

  // The status view counts what the target sent: one point per scrape.
  const source = page.getByTestId('ingest-status').locator('tr', { hasText: 'e2e-worker' });
  await expect(source.getByTestId('accepted')).not.toHaveText('0');
  await expect(source.getByTestId('rejected')).toHaveText('0');

  await openTab(page, 'Metrics');
  await expect(
    page.getByRole('navigation', { name: 'Metrics' }).getByRole('button', { name: /^e2e_worker_jobs_total/ }),
  ).toBeVisible();

  await openTab(page, 'Settings');
  await section.getByRole('button', { name: `Remove ${metricsUrl}` }).click();
  await expect(section.getByTestId('scrape-target')).toHaveCount(0);
  await expect(page.getByTestId('ingest-status').locator('tr', { hasText: 'e2e-worker' })).toHaveCount(0);
});

test('the OTLP receiver switch turns it on and off, and stays as saved', async ({ page, preview }) => {
  await page.goto(preview.url);
  await openTab(page, 'Settings');
  const section = page.getByRole('region', { name: 'Other apps' });
  const toggle = section.getByRole('switch', { name: 'Receive OTLP metrics' });
  const address = section.getByTestId('otlp-address');
  await expect(toggle).not.toBeChecked();
  await expect(address).toHaveText('Off: nothing listens.');

  // A free port, so the test never collides with a receiver already on 4318.
  await section.getByLabel('Port').fill('0');
  await section.getByRole('button', { name: 'Save' }).click();
  await toggle.click();
  await expect(toggle).toBeChecked();
  await expect(address).toHaveText(/^Listening on http:\/\/127\.0\.0\.1:\d+\/v1\/metrics$/);
  await expect(section.getByTestId('otlp-env')).toContainText('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT=http://127.0.0.1:');

  await page.reload();
  await openTab(page, 'Settings');
  await expect(toggle).toBeChecked();
  await expect(section.getByLabel('Port')).toHaveValue('0');
  await expect(address).toHaveText(/^Listening on http:\/\/127\.0\.0\.1:\d+\/v1\/metrics$/);

  await section.getByLabel('Port').fill('70000');
  await section.getByRole('button', { name: 'Save' }).click();
  await expect(section.getByRole('alert')).toHaveText('Enter a port from 0 to 65535 (0 picks a free one).');

  await section.getByLabel('Port').fill('0');
  await toggle.click();
  await expect(toggle).not.toBeChecked();
  await expect(address).toHaveText('Off: nothing listens.');
});
