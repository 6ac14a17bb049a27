/**
 * Serving the built renderer (dist/renderer) from disk, for the preview server and Electron's
 * custom protocol alike: a URL path is mapped to a file strictly inside the folder (no traversal,
 * no symlink escape) with its content type; when the renderer is not built yet, a placeholder page.
 * Whether a path names the index page is decided on the file it resolves to, not on its spelling.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

export const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Telemetry panel</title></head>
<body><h1>Telemetry panel</h1>
<p>The renderer is not built yet: run <code>npm run build:renderer</code>, then reload this page.
The panel API is already being served.</p></body></html>
`;

/** The real path of the file a URL path names inside `root`, or null (missing, a folder, or outside `root`). */
function staticFilePath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  try {
    const realRoot = realpathSync(root);
    const file = realpathSync(join(realRoot, decoded === '/' ? 'index.html' : decoded));
    const rel = relative(realRoot, file);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || !statSync(file).isFile()) return null;
    return file;
  } catch {
    return null;
  }
}

/** The file a URL path names inside `root`, or null (missing, a folder, or outside `root`). */
export function readStaticFile(root: string, urlPath: string): StaticFile | null {
  const file = staticFilePath(root, urlPath);
  if (file === null) return null;
  try {
    return { body: readFileSync(file), contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' };
  } catch {
    return null;
  }
}

/**
 * True when a URL path names the index page however it is spelled: `/`, `/index.html`, or any
 * encoding or detour that readStaticFile would resolve to the same file (`/%69ndex.html`,
 * `/index%2ehtml`, `//index.html`, `/assets/..%2findex.html`).
 */
export function namesIndexPage(root: string, urlPath: string): boolean {
  if (urlPath === '/' || urlPath === '/index.html') return true;
  const file = staticFilePath(root, urlPath);
  return file !== null && file === staticFilePath(root, '/index.html');
}

/** The renderer's index.html, or the placeholder when the renderer has not been built. */
export function readIndexPage(root: string): StaticFile {
  return (
    readStaticFile(root, '/index.html') ?? { body: Buffer.from(PLACEHOLDER_PAGE), contentType: CONTENT_TYPES['.html']! }
  );
}
