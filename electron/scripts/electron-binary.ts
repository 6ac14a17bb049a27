/**
 * Finding the Electron binary without triggering a download: `require('electron')` in electron 45
 * tries to download a missing binary (impossible where only the npm registry is reachable), so
 * this reads node_modules/electron/path.txt and checks that the file it names exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Electron executable's path, or null with the reason it is unavailable. */
export function findElectronBinary(root: string): { path: string } | { path: null; reason: string } {
  const packageDir = join(root, 'node_modules', 'electron');
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      path: null,
      reason: 'node_modules/electron/path.txt is missing: the Electron binary was never downloaded',
    };
  }
  const relative = readFileSync(pathFile, 'utf8').trim();
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(packageDir, 'dist');
  const binary = join(distDir, relative);
  return existsSync(binary) ? { path: binary } : { path: null, reason: `the Electron binary ${binary} does not exist` };
}
