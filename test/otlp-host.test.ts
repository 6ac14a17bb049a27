/**
 * The OTLP receiver inside the storage host: it follows the ingest settings (off by default, on,
 * moved to another port, off again; the token read from them), reports to getIngestStatus, and
 * `npm run preview -- --otlp=0` starts it for the run and prints its address on a line of its own,
 * where the OpenTelemetry SDK's exporter can send to it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { dataPaths } from '../electron/host/data-dir.ts';
import { openHostService } from '../electron/host/host-service.ts';
import { TimeSeriesStorage } from '../storage/src/index.ts';
import { nanos, post, protobufRequest } from './support/otlp.ts';
import { tempDir } from './support/store.ts';

const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };

function oneGauge(value: number): Buffer {
  return protobufRequest({
    resourceMetrics: [
      {
        scopeMetrics: [
          {
            metrics: [
              { name: 'pool.size', gauge: { dataPoints: [{ timeUnixNano: nanos(Date.now()), asDouble: value }] } },
            ],
          },
        ],
      },
    ],
  });
}

async function refused(url: string): Promise<boolean> {
  try {
    await post(url, oneGauge(1), PROTOBUF);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ECONNREFUSED';
  }
}

describe('the OTLP receiver in the storage host', () => {
  it('follows the ingest settings and reports to the ingest status', async () => {
    const { dir, cleanup } = tempDir('otlp-host-');
    const service = openHostService({
      paths: dataPaths(dir),
      emit: () => undefined,
      jobTimings: null,
      collectEveryMs: null,
    });
    try {
      await service.otlp.settled();
      assert.equal((await service.panel.getIngestStatus()).otlp.address, null);

      await service.panel.setIngestSettings({ otlp: { enabled: true, port: 0, token: 't0ken' } });
      await service.otlp.settled();
      const first = (await service.panel.getIngestStatus()).otlp.address;
      assert.match(first ?? '', /^http:\/\/127\.0\.0\.1:\d+\/v1\/metrics$/);
      assert.equal((await post(first as string, oneGauge(1), PROTOBUF)).status, 401);
      const ok = await post(first as string, oneGauge(2), { ...PROTOBUF, Authorization: 'Bearer t0ken' });
      assert.equal(ok.status, 200);
      const status = (await service.panel.getIngestStatus()).otlp;
      assert.equal(status.accepted, 1);
      assert.match(status.lastError ?? '', /bearer token/);

      await service.panel.setIngestSettings({ otlp: { enabled: false, port: 0 } });
      await service.otlp.settled();
      assert.equal((await service.panel.getIngestStatus()).otlp.address, null);
      assert.ok(await refused(first as string), 'nothing listens once it is off');
      const [series] = service.store.queryMetrics({
        metricName: 'pool_size',
        start: 0,
        end: Date.now() + 1,
        aggregation: 'raw',
      });
      assert.deepEqual(
        series?.points.map((p) => p.value),
        [2],
      );
    } finally {
      await service.close();
      cleanup();
    }
  });

  it('reports a port it cannot listen on as the last error, and listens once the port is free', async () => {
    const { dir, cleanup } = tempDir('otlp-busy-');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    const service = openHostService({
      paths: dataPaths(dir),
      emit: () => undefined,
      jobTimings: null,
      collectEveryMs: null,
    });
    try {
      await service.panel.setIngestSettings({ otlp: { enabled: true, port } });
      await service.otlp.settled();
      const busy = (await service.panel.getIngestStatus()).otlp;
      assert.equal(busy.address, null);
      assert.match(busy.lastError ?? '', new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
      await new Promise((resolve) => blocker.close(resolve));
      await service.panel.setIngestSettings({ otlp: { enabled: true, port } });
      await service.otlp.settled();
      assert.equal((await service.panel.getIngestStatus()).otlp.address, `http://127.0.0.1:${port}/v1/metrics`);
    } finally {
      blocker.close();
      await service.close();
      cleanup();
    }
  });

  it('`npm run preview -- --otlp=0` prints the address on its own line and stores what the SDK sends', async () => {
    const { dir, cleanup } = tempDir('otlp-preview-');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join('electron', 'preview', 'preview.ts'), '--data-dir', dir, '--port', '0', '--otlp=0'],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = once(child, 'exit');
    try {
      let output = '';
      const address = await new Promise<string>((resolve, reject) => {
        const onData = (chunk: Buffer): void => {
          output += chunk.toString();
          const match = /^OTLP receiver: (http:\/\/127\.0\.0\.1:\d+\/v1\/metrics)$/m.exec(output);
          if (match?.[1]) resolve(match[1]);
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        void exited.then(() => reject(new Error(`the preview exited:\n${output}`)));
      });
      const reader = new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: address }),
        exportIntervalMillis: 3_600_000,
      });
      const provider = new MeterProvider({
        resource: resourceFromAttributes({ 'service.name': 'cli' }),
        readers: [reader],
      });
      provider.getMeter('cli').createCounter('jobs.done').add(3);
      await provider.shutdown();
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
    const store = new TimeSeriesStorage({ dbPath: dataPaths(dir).dbPath });
    try {
      const [series] = store.queryMetrics({
        metricName: 'jobs_done_total',
        start: 0,
        end: Date.now() + 1,
        aggregation: 'raw',
      });
      assert.deepEqual(series?.labels, { job: 'cli' });
      assert.deepEqual(
        series?.points.map((p) => p.value),
        [3],
      );
    } finally {
      store.close();
      cleanup();
    }
  });
});
