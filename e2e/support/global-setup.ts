/**
 * Once per run: builds the renderer when its sources are newer than the build, then seeds two
 * template data dirs (the fixture alone, with its baselines; demo history plus the fixture). Each
 * test copies one and starts its own preview on the copy. Returns the teardown that deletes them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPaths } from '../../electron/host/data-dir.ts';
import { fixtureAnchor, seedFixture } from './fixture-data.ts';
import { ENV, templateDir } from './env.ts';

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function buildRendererIfStale(): void {
  const built = join('dist', 'renderer', 'index.html');
  const sources = Math.max(newestMtime('renderer'), newestMtime('vite.config.ts'));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  execFileSync('npm', ['run', 'build:renderer'], { stdio: 'inherit' });
}

export default async function globalSetup(): Promise<() => void> {
  buildRendererIfStale();
  const root = mkdtempSync(join(tmpdir(), 'telemetry-e2e-'));
  const anchor = fixtureAnchor(Date.now());
  process.env[ENV.root] = root;
  process.env[ENV.anchor] = String(anchor);

  const fixtureOnly = templateDir('fixture');
  mkdirSync(fixtureOnly, { recursive: true });
  await seedFixture(dataPaths(fixtureOnly).dbPath, anchor, { baselines: true });

  const withDemo = templateDir('demo');
  mkdirSync(withDemo, { recursive: true });
  execFileSync('npm', ['run', 'demo:history', '--', '--data-dir', withDemo], { stdio: 'inherit' });
  await seedFixture(dataPaths(withDemo).dbPath, anchor);

  return () => rmSync(root, { recursive: true, force: true });
}
