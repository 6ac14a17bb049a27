/**
 * Where the project's own files are, seen from the shell's modules (source under tsx, or the
 * bundles in dist/electron/), and building the renderer when it is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository (or packaged app) root: the nearest folder above this module with a package.json. */
export function projectRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return resolve(from, '..', '..');
  }
}

export function rendererDir(root: string = projectRoot()): string {
  return join(root, 'dist', 'renderer');
}

function hasScript(root: string, name: string): boolean {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  return typeof pkg.scripts?.[name] === 'string';
}

/** Runs an npm script of the project; false when it does not exist or failed. */
export function runNpmScript(root: string, name: string): boolean {
  if (!hasScript(root, name)) return false;
  const result = spawnSync('npm', ['run', name], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  return result.status === 0;
}

/** Builds the renderer with its own script when dist/renderer has no index.html yet. */
export function ensureRendererBuilt(root: string = projectRoot()): boolean {
  if (existsSync(join(rendererDir(root), 'index.html'))) return true;
  console.log('dist/renderer is missing: running npm run build:renderer');
  return runNpmScript(root, 'build:renderer') && existsSync(join(rendererDir(root), 'index.html'));
}

/** True when the module with this `import.meta.url` is the script Node was started with. */
export function isMainModule(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(resolve(script)).href === moduleUrl;
}
