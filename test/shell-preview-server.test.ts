/**
 * The browser preview server over real HTTP on 127.0.0.1, backed by a real storage host process:
 * the per-run token (header for calls, header or ?token= for the page and the event stream), the
 * Host check and the Origin check (DNS rebinding, cross-site requests), the CSP header, static
 * files without path traversal, and the API answering like the Electron transport. The page
 * needs its token however its path is spelled; an oversized body gets its 413; a client that never
 * finishes its headers is cut off, and connections are capped.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { StorageHostClient, forkNodeHost } from '../electron/host/host-client.ts';
import { TRANSPORT } from '../shared/panel-api.ts';
import {
  PREVIEW_LIMITS,
  startPreviewServer,
  type PreviewLimits,
  type PreviewServer,
} from '../electron/preview/preview-server.ts';
import { CONTENT_SECURITY_POLICY } from '../electron/panel-files/security-headers.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One raw HTTP request (fetch would not let a test set Host). */
function http(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; firstChunkOnly?: boolean } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { Host: `127.0.0.1:${port}`, ...options.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (options.firstChunkOnly) {
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
            res.destroy();
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Far beyond the small limits the tests set: a socket still open then would be held forever. */
const HANG_GUARD_MS = 20_000;

/** A raw TCP connection to the server, and what it received until the server closed it. */
function rawSocket(port: number): { socket: Socket; opened: Promise<void>; closed: Promise<string | null> } {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => undefined);
  const opened = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const closed = new Promise<string | null>((resolve) => {
    const guard = setTimeout(() => resolve(null), HANG_GUARD_MS);
    socket.once('close', () => {
      clearTimeout(guard);
      resolve(received);
    });
  });
  return { socket, opened, closed };
}

describe('preview server', () => {
  let dir: string;
  let staticDir: string;
  let client: StorageHostClient;
  let server: PreviewServer;
  let port: number;
  let token: string;

  const postCall = (body: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
    http(port, TRANSPORT.httpCallPath, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [TRANSPORT.tokenHeader]: token, ...headers },
      body: JSON.stringify(body),
    });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shell-preview-'));
    staticDir = join(dir, 'renderer');
    mkdirSync(join(staticDir, 'assets'), { recursive: true });
    writeFileSync(
      join(staticDir, 'index.html'),
      '<!doctype html><title>panel</title><script type="module" src="./assets/app.js"></script>',
    );
    writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log("panel")');
    writeFileSync(join(dir, 'secret.txt'), 'outside the renderer folder');
    client = await StorageHostClient.start(forkNodeHost(join(dir, 'data')));
    server = await startPreviewServer({ backend: client, staticDir });
    port = server.port;
    token = server.token;
  });

  after(async () => {
    await server.close();
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('prints a 127.0.0.1 URL with a fresh random token', () => {
    assert.equal(server.url, `http://127.0.0.1:${port}/?token=${token}`);
    assert.ok(token.length >= 40);
    assert.ok(port > 0);
  });

  test('the page needs the token and carries the CSP', async () => {
    const page = await http(port, `/?token=${token}`);
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>panel<\/title>/);
    assert.equal(page.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    assert.equal((await http(port, '/')).status, 401);
    assert.equal((await http(port, '/index.html?token=wrong')).status, 401);
    assert.equal((await http(port, `/?token=${token.slice(0, -1)}`)).status, 401);
  });

  test('calls need the token in the header', async () => {
    const answer = await postCall({ method: 'getSettings', args: [] });
    assert.equal(answer.status, 200);
    assert.equal(JSON.parse(answer.body).result.retentionDays, 30);
    assert.equal(
      (await postCall({ method: 'getSettings', args: [] }, { [TRANSPORT.tokenHeader]: 'wrong' })).status,
      401,
    );
    const noHeader = await http(port, `${TRANSPORT.httpCallPath}?token=${token}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ method: 'getSettings', args: [] }),
    });
    assert.equal(noHeader.status, 401, 'a query-string token is not accepted for calls');
  });

  test('a foreign Host is refused, whatever the token (DNS rebinding)', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1:${port + 1}`,
      `127.0.0.1`,
      `localhost.evil.example:${port}`,
    ]) {
      assert.equal((await http(port, `/?token=${token}`, { headers: { Host: host } })).status, 403, host);
      assert.equal((await postCall({ method: 'getSettings', args: [] }, { Host: host })).status, 403, host);
    }
    assert.equal((await http(port, `/?token=${token}`, { headers: { Host: `localhost:${port}` } })).status, 200);
  });

  test('a foreign Origin is refused, a same-origin one accepted', async () => {
    for (const origin of ['http://evil.example', `http://evil.example:${port}`, 'null', `https://127.0.0.1:${port}`]) {
      assert.equal((await postCall({ method: 'getSettings', args: [] }, { Origin: origin })).status, 403, origin);
    }
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      assert.equal((await postCall({ method: 'getSettings', args: [] }, { Origin: origin })).status, 200, origin);
    }
  });

  test('bad bodies and non-panel methods get typed errors; the host keeps running', async () => {
    const plain = await http(port, TRANSPORT.httpCallPath, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', [TRANSPORT.tokenHeader]: token },
      body: '{"method":"getSettings","args":[]}',
    });
    assert.equal(plain.status, 415);
    const broken = await http(port, TRANSPORT.httpCallPath, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [TRANSPORT.tokenHeader]: token },
      body: '{"method":',
    });
    assert.equal(broken.status, 400);
    assert.equal(JSON.parse(broken.body).error.code, 'INVALID_ARGUMENT');
    for (const body of [
      { method: 'shutdown', args: [] },
      { method: 'setRetentionDays', args: [0] },
      { method: 'query' },
    ]) {
      const answer = await postCall(body);
      assert.equal(JSON.parse(answer.body).error.code, 'INVALID_ARGUMENT', JSON.stringify(body));
    }
    assert.equal(
      (await http(port, TRANSPORT.httpCallPath, { headers: { [TRANSPORT.tokenHeader]: token } })).status,
      405,
    );
    assert.equal(JSON.parse((await postCall({ method: 'getSettings', args: [] })).body).ok, true);
  });

  test('the event stream needs the token (header or query)', async () => {
    assert.equal((await http(port, TRANSPORT.httpEventsPath)).status, 401);
    const stream = await http(port, `${TRANSPORT.httpEventsPath}?token=${token}`, { firstChunkOnly: true });
    assert.equal(stream.status, 200);
    assert.match(String(stream.headers['content-type']), /^text\/event-stream/);
  });

  test('export progress reaches the event stream', async () => {
    await client.recordSamples([{ name: 'test_value', value: 1, timestamp: Date.now() - 1000 }]);
    const events = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: `${TRANSPORT.httpEventsPath}?token=${token}`,
          headers: { Host: `127.0.0.1:${port}` },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
            if (text.includes('event: export-progress')) {
              resolve(text);
              res.destroy();
            }
          });
          // Start the export once the stream is open.
          void postCall({ method: 'exportParquet', args: [{}] });
        },
      );
      req.on('error', reject);
      req.end();
    });
    const data = /data: (.*)/.exec(events.slice(events.indexOf('event: export-progress')))?.[1];
    const progress = JSON.parse(data ?? 'null') as { done: number; total: number };
    assert.equal(typeof progress.done, 'number');
    assert.equal(typeof progress.total, 'number');
  });

  test('the page needs the token however its path is spelled', async () => {
    for (const path of [
      '/%69ndex.html',
      '/index%2ehtml',
      '/%2Findex.html',
      '//index.html',
      '/assets/..%2findex.html',
    ]) {
      const refused = await http(port, path);
      assert.equal(refused.status, 401, path);
      assert.doesNotMatch(refused.body, /<title>panel<\/title>/, path);
      assert.equal((await http(port, `${path}?token=${token}`)).status, 200, path);
    }
  });

  test('an oversized body gets its 413 before the connection closes; the server keeps serving', async () => {
    const oversized = JSON.stringify({ method: 'getSettings', args: ['x'.repeat(4 * 1024 * 1024)] });
    for (let i = 0; i < 3; i++) {
      const answer = await http(port, TRANSPORT.httpCallPath, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [TRANSPORT.tokenHeader]: token },
        body: oversized,
      });
      assert.equal(answer.status, 413);
      assert.equal(JSON.parse(answer.body).error.code, 'INVALID_ARGUMENT');
    }
    assert.equal(JSON.parse((await postCall({ method: 'getSettings', args: [] })).body).ok, true);
  });

  test('the server has its time limits and connection cap', () => {
    assert.equal(server.http.headersTimeout, PREVIEW_LIMITS.headersTimeoutMs);
    assert.equal(server.http.requestTimeout, PREVIEW_LIMITS.requestTimeoutMs);
    assert.equal(server.http.keepAliveTimeout, PREVIEW_LIMITS.keepAliveTimeoutMs);
    assert.equal(server.http.maxConnections, PREVIEW_LIMITS.maxConnections);
  });

  test('a client that never finishes its headers is cut off', async () => {
    const limits: PreviewLimits = {
      ...PREVIEW_LIMITS,
      headersTimeoutMs: 300,
      requestTimeoutMs: 600,
      keepAliveTimeoutMs: 300,
      timeoutCheckMs: 100,
    };
    const small = await startPreviewServer({ backend: client, staticDir, limits });
    try {
      const loris = rawSocket(small.port);
      await loris.opened;
      loris.socket.write(`GET /assets/app.js HTTP/1.1\r\nHost: 127.0.0.1:${small.port}\r\nX-Slow: `);
      const cut = await loris.closed;
      assert.notEqual(cut, null, `the slow client was still connected after ${HANG_GUARD_MS} ms`);
      assert.match(cut!, /^HTTP\/1\.1 408 /);
    } finally {
      await small.close();
    }
  });

  test('connections beyond the cap are closed unanswered; those within it are served', async () => {
    const capped = await startPreviewServer({
      backend: client,
      staticDir,
      limits: { ...PREVIEW_LIMITS, maxConnections: 2 },
    });
    try {
      const held = [rawSocket(capped.port), rawSocket(capped.port)];
      await Promise.all(held.map((c) => c.opened));
      const beyondCap = rawSocket(capped.port);
      assert.equal(await beyondCap.closed, '', 'the third connection is closed at once, unanswered');
      held[0]!.socket.end(`GET /assets/app.js HTTP/1.1\r\nHost: 127.0.0.1:${capped.port}\r\nConnection: close\r\n\r\n`);
      assert.match((await held[0]!.closed) ?? '', /^HTTP\/1\.1 200 /);
      held[1]!.socket.destroy();
    } finally {
      await capped.close();
    }
  });

  test('static files are served without the token, never outside the renderer folder', async () => {
    const script = await http(port, '/assets/app.js');
    assert.equal(script.status, 200);
    assert.match(String(script.headers['content-type']), /^text\/javascript/);
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets',
      '/nope.js',
    ]) {
      const answer = await http(port, path);
      assert.equal(answer.status, 404, path);
      assert.doesNotMatch(answer.body, /outside the renderer folder/);
    }
  });

  test('serves a placeholder page when the renderer is not built', async () => {
    const bare = await startPreviewServer({ backend: client, staticDir: join(dir, 'missing') });
    try {
      const page = await http(bare.port, `/?token=${bare.token}`);
      assert.equal(page.status, 200);
      assert.match(page.body, /npm run build:renderer/);
      assert.equal((await http(bare.port, `/?token=${token}`)).status, 401, 'each run has its own token');
    } finally {
      await bare.close();
    }
  });
});
