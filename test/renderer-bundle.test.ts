/**
 * The panel's bundle is split so the first paint does not wait for the chart library: a real Vite
 * build (the project's own config, into a temp folder) whose entry chunk, and every chunk the entry
 * imports statically, holds no Recharts module (read from the source maps, which list each
 * module a chunk was built from), while a chunk loaded later does.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { build } from 'vite';

const CHART_LIBRARY = /node_modules\/(recharts|victory-vendor|d3-[a-z-]+)\//;

/** The chunk files (relative to the build folder) a chunk imports statically. */
function staticImports(code: string): string[] {
  const found: string[] = [];
  for (const match of code.matchAll(/\bimport\s*(?:[^"'();]*?\bfrom\s*)?["']\.\/([^"']+\.js)["']/g))
    found.push(match[1]!);
  return found;
}

/** Every chunk loaded before the page can paint: the entry and, transitively, what it imports statically. */
function firstPaintChunks(outDir: string): string[] {
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const entry = /<script type="module"[^>]*src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(entry !== undefined, 'the built page has no module entry');
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const chunk = queue.pop()!;
    if (seen.has(chunk)) continue;
    seen.add(chunk);
    const dir = chunk.slice(0, chunk.lastIndexOf('/') + 1);
    for (const imported of staticImports(readFileSync(join(outDir, chunk), 'utf8'))) queue.push(dir + imported);
  }
  return [...seen];
}

function moduleSources(outDir: string, chunk: string): string[] {
  const map = JSON.parse(readFileSync(join(outDir, `${chunk}.map`), 'utf8')) as { sources: string[] };
  return map.sources;
}

describe('renderer bundle', () => {
  let outDir: string;

  before(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'renderer-bundle-'));
    await build({ configFile: 'vite.config.ts', logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  });

  after(() => rmSync(outDir, { recursive: true, force: true }));

  test('the chunks of the first paint hold no chart library; a later chunk does', () => {
    const first = firstPaintChunks(outDir);
    for (const chunk of first) {
      const charting = moduleSources(outDir, chunk).filter((source) => CHART_LIBRARY.test(source));
      assert.deepEqual(charting, [], `${chunk} is loaded before the first paint and holds the chart library`);
    }
    const later = readdirSync(join(outDir, 'assets'))
      .filter((name) => name.endsWith('.js'))
      .map((name) => `assets/${name}`)
      .filter((chunk) => !first.includes(chunk));
    const withCharts = later.filter((chunk) => moduleSources(outDir, chunk).some((s) => CHART_LIBRARY.test(s)));
    assert.ok(withCharts.length > 0, 'no chunk holds Recharts: the check above would prove nothing');
    assert.ok(
      moduleSources(outDir, first[0]!).some((source) => source.includes('renderer/src/main.tsx')),
      'the entry chunk is the panel',
    );
  });

  test('static imports are read from minified chunks, dynamic ones are not', () => {
    assert.deepEqual(staticImports('import{a as b}from"./react-x1.js";import"./css-y.js";'), [
      'react-x1.js',
      'css-y.js',
    ]);
    assert.deepEqual(staticImports('const p=()=>import("./MetricPanel-z.js");'), []);
  });
});
