/**
 * The preview server compresses what it serves, over real HTTP on 127.0.0.1 with a real storage
 * host: each encoding the client accepts (brotli first, gzip, none), with `Vary: Accept-Encoding`,
 * decodes back to the very bytes of the file on disk (by zlib here, and by Node's own fetch, a
 * client that decodes on its own); q=0 refuses an encoding; small and binary files stay as they are.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { StorageHostClient, forkNodeHost } from '../electron/host/host-client.ts';
import { startPreviewServer, type PreviewServer } from '../electron/preview/preview-server.ts';
import { chooseEncoding, MIN_COMPRESSED_BYTES } from '../electron/panel-files/compression.ts';
import { TRANSPORT } from '../shared/panel-api.ts';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(port: number, path: string, headers: Record<string, string>, method = 'GET', body?: string) {
  return new Promise<RawAnswer>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A script of realistic, compressible text well above the threshold. */
function bundleText(): string {
  const lines: string[] = [];
  for (let i = 0; i < 4_000; i++)
    lines.push(`export function series${i}(points) { return points.map((p) => p.value * ${i}); }`);
  return lines.join('\n');
}

describe('preview compression', () => {
  let dir: string;
  let staticDir: string;
  let client: StorageHostClient;
  let server: PreviewServer;
  let bundle: Buffer;
  let image: Buffer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shell-preview-gzip-'));
    staticDir = join(dir, 'renderer');
    mkdirSync(join(staticDir, 'assets'), { recursive: true });
    writeFileSync(join(staticDir, 'index.html'), `<!doctype html><title>panel</title>${'<p>text</p>'.repeat(400)}`);
    writeFileSync(join(staticDir, 'assets', 'app.js'), bundleText());
    writeFileSync(join(staticDir, 'assets', 'tiny.js'), 'console.log(1)');
    writeFileSync(join(staticDir, 'assets', 'logo.png'), Buffer.alloc(4096, 7));
    bundle = readFileSync(join(staticDir, 'assets', 'app.js'));
    image = readFileSync(join(staticDir, 'assets', 'logo.png'));
    client = await StorageHostClient.start(forkNodeHost(join(dir, 'data')));
    server = await startPreviewServer({ backend: client, staticDir });
  });

  after(async () => {
    await server.close();
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const host = () => ({ Host: `127.0.0.1:${server.port}` });

  test('brotli when accepted, decoding to the file; smaller than the file', async () => {
    const answer = await get(server.port, '/assets/app.js', { ...host(), 'Accept-Encoding': 'gzip, deflate, br' });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-encoding'], 'br');
    assert.equal(answer.headers['vary'], 'Accept-Encoding');
    assert.equal(Number(answer.headers['content-length']), answer.body.length);
    assert.ok(answer.body.length < bundle.length / 4, `${answer.body.length} of ${bundle.length} bytes`);
    assert.deepEqual(brotliDecompressSync(answer.body), bundle);
  });

  test('gzip when brotli is not accepted (or refused with q=0)', async () => {
    for (const accept of ['gzip', 'br;q=0, gzip;q=0.5', 'br;q=0.1, gzip']) {
      const answer = await get(server.port, '/assets/app.js', { ...host(), 'Accept-Encoding': accept });
      assert.equal(answer.headers['content-encoding'], 'gzip', accept);
      assert.equal(answer.headers['vary'], 'Accept-Encoding');
      assert.deepEqual(gunzipSync(answer.body), bundle, accept);
    }
  });

  test('no encoding accepted: the file as it is, still with Vary', async () => {
    const refusals: Record<string, string>[] = [
      {},
      { 'Accept-Encoding': 'identity' },
      { 'Accept-Encoding': 'br;q=0, gzip;q=0' },
    ];
    for (const headers of refusals) {
      const answer = await get(server.port, '/assets/app.js', { ...host(), ...headers });
      assert.equal(answer.headers['content-encoding'], undefined);
      assert.equal(answer.headers['vary'], 'Accept-Encoding');
      assert.deepEqual(answer.body, bundle);
    }
  });

  test("Node's fetch decodes the page, the bundle and a panel call on its own", async () => {
    const base = `http://127.0.0.1:${server.port}`;
    const script = await fetch(`${base}/assets/app.js`);
    assert.ok(['br', 'gzip'].includes(script.headers.get('content-encoding') ?? ''));
    assert.deepEqual(Buffer.from(await script.arrayBuffer()), bundle);
    const page = await fetch(`${base}/?token=${server.token}`);
    assert.deepEqual(Buffer.from(await page.arrayBuffer()), readFileSync(join(staticDir, 'index.html')));
    assert.ok(page.headers.get('content-encoding') !== null);

    const call = await fetch(`${base}${TRANSPORT.httpCallPath}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [TRANSPORT.tokenHeader]: server.token },
      body: JSON.stringify({ method: 'listMetrics', args: [] }),
    });
    assert.equal(call.status, 200);
    const reply = (await call.json()) as { ok: boolean };
    assert.equal(reply.ok, true);
  });

  test('small files and binary files are not encoded; HEAD gives the encoded length without a body', async () => {
    const tiny = await get(server.port, '/assets/tiny.js', { ...host(), 'Accept-Encoding': 'br, gzip' });
    assert.ok(tiny.body.length < MIN_COMPRESSED_BYTES);
    assert.equal(tiny.headers['content-encoding'], undefined);
    assert.equal(tiny.body.toString(), 'console.log(1)');
    const png = await get(server.port, '/assets/logo.png', { ...host(), 'Accept-Encoding': 'br, gzip' });
    assert.equal(png.headers['content-encoding'], undefined);
    assert.equal(png.headers['vary'], undefined);
    assert.deepEqual(png.body, image);
    const head = await get(server.port, '/assets/app.js', { ...host(), 'Accept-Encoding': 'gzip' }, 'HEAD');
    assert.equal(head.headers['content-encoding'], 'gzip');
    assert.equal(head.body.length, 0);
    assert.ok(Number(head.headers['content-length']) < bundle.length);
  });

  test('Accept-Encoding is read with its weights', () => {
    assert.equal(chooseEncoding(undefined), 'identity');
    assert.equal(chooseEncoding(''), 'identity');
    assert.equal(chooseEncoding('gzip, br'), 'br');
    assert.equal(chooseEncoding('gzip;q=1, br;q=0.5'), 'gzip');
    assert.equal(chooseEncoding('*'), 'br');
    assert.equal(chooseEncoding('*, br;q=0'), 'gzip');
    assert.equal(chooseEncoding('deflate'), 'identity');
    assert.equal(chooseEncoding('GZIP ; Q=0.8'), 'gzip');
  });
});
