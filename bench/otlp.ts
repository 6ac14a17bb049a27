/**
 * The OTLP receiver's figures for `npm run bench`, end to end: a real storage host process (as
 * `npm run preview -- --otlp=0` starts it) receives protobuf requests over loopback HTTP, one at a
 * time as an SDK's exporter sends them; a request counts once its 200 is back, so the figure covers
 * decoding, mapping, storing and answering, and the host's CPU time for them is read from /proc (on
 * Linux), a figure that other processes on the machine do not inflate. The payloads (100 metrics, half gauges, half cumulative
 * counters, 10 label sets each) are encoded beforehand: the client's encoding is not the receiver's
 * cost. Then one burst of 100,000 points in a single request while the panel's `listMetrics` is
 * called in a loop through the host's IPC: the slowest call during the burst against the slowest
 * while idle. Last, in this process, the receiver's pipeline against the engine's insertSamples of
 * the same samples, in wall-clock and in CPU time: ratios that hold on a shared machine (the load
 * average is printed with them). Also runs alone:
 *
 *   node --import tsx bench/otlp.ts [--quick]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StorageHostClient, forkNodeHost } from '../electron/host/host-client.ts';
import { ingestInSteps } from '../electron/ingest/ingest-sink.ts';
import { STEP_UNITS } from '../electron/ingest/pacing.ts';
import { decodeRequest } from '../electron/ingest/otlp/codec.ts';
import { ExportRequestType } from '../electron/ingest/otlp/schema.ts';
import { SeriesState } from '../electron/ingest/otlp/series-state.ts';
import { translateRequest } from '../electron/ingest/otlp/translate.ts';
import { TimeSeriesStorage, type MetricSample } from '../storage/src/index.ts';

const METRICS = 100;
const LABEL_SETS = 10;
const STEP_MS = 1_000;
const IDLE_CALLS_MS = 1_000;
/** Clock ticks per second of /proc/PID/stat's times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100;

interface Payload {
  body: Buffer;
  points: number;
}

/** One request: every series of the workload at `steps` timestamps from `t0`. */
function payload(t0: number, steps: number, stepIndex: number): Payload {
  const metrics = Array.from({ length: METRICS }, (_, m) => {
    const dataPoints = [];
    for (let l = 0; l < LABEL_SETS; l++) {
      for (let s = 0; s < steps; s++) {
        const tick = stepIndex + s;
        dataPoints.push({
          startTimeUnixNano: `${BigInt(t0) * 1_000_000n}`,
          timeUnixNano: `${BigInt(t0 + tick * STEP_MS) * 1_000_000n}`,
          ...(m % 2 === 0
            ? { asDouble: Math.round(((tick * 37 + l * 11) % 1000) * 1.5) / 100 }
            : { asInt: tick * (l + 1) }),
          attributes: [
            { key: 'route', value: { stringValue: `/api/v1/route-${l}` } },
            { key: 'http.method', value: { stringValue: l % 2 ? 'GET' : 'POST' } },
          ],
        });
      }
    }
    return m % 2 === 0
      ? { name: `bench.gauge.${m}`, unit: 'ms', gauge: { dataPoints } }
      : {
          name: `bench.requests.${m}`,
          unit: '{request}',
          sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints },
        };
  });
  const message = ExportRequestType.fromObject({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }] },
        scopeMetrics: [{ metrics }],
      },
    ],
  });
  return { body: Buffer.from(ExportRequestType.encode(message).finish()), points: METRICS * LABEL_SETS * steps };
}

function send(url: URL, body: Buffer, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Calls listMetrics back to back until `done` settles; the slowest call, in ms. */
async function slowestPanelCall(client: StorageHostClient, done: Promise<unknown>): Promise<number> {
  let finished = false;
  void done.finally(() => (finished = true));
  let slowest = 0;
  while (!finished) {
    const start = performance.now();
    await client.panel.listMetrics();
    slowest = Math.max(slowest, performance.now() - start);
  }
  return slowest;
}

/** A process's CPU time (user + system) in ms, from /proc; null where there is none (not Linux). */
function processCpuMs(pid: number | undefined): number | null {
  try {
    // The fields after the command name (in parentheses): utime and stime are the 12th and 13th of them.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

async function receiverAddress(client: StorageHostClient): Promise<URL> {
  for (;;) {
    const address = (await client.panel.getIngestStatus()).otlp.address;
    if (address) return new URL(address);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * In this process, on a fresh store each: the receiver's pipeline (decode, map, store in steps) on
 * the burst's body against `insertSamples` of the very samples it stores, in the sink's batches.
 * The ratio is what the receiver costs over the engine's own ingest, whatever the machine's load.
 */
interface PipelineFigures {
  pipelineMs: number;
  insertMs: number;
  /** The same in this process's CPU time (user + system), which other processes on the machine do not inflate. */
  pipelineCpuMs: number;
  insertCpuMs: number;
  samples: number;
}

async function pipelineAgainstInsert(body: Buffer): Promise<PipelineFigures> {
  const fresh = (): TimeSeriesStorage => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-otlp-pipe-'));
    return new TimeSeriesStorage({ dbPath: join(dir, 'telemetry.db'), autoMaintenance: false });
  };
  const cpuMs = (): number => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  };
  const timed = async (work: (store: TimeSeriesStorage) => Promise<unknown>): Promise<[number, number]> => {
    const store = fresh();
    const start = performance.now();
    const cpuStart = cpuMs();
    await work(store);
    const times: [number, number] = [performance.now() - start, cpuMs() - cpuStart];
    store.close();
    rmSync(dirname(store.dbPath), { recursive: true, force: true });
    return times;
  };
  let samples: MetricSample[] = [];
  const viaReceiver = async (store: TimeSeriesStorage): Promise<void> => {
    const request = await decodeRequest(body, 'protobuf');
    const translation = await translateRequest(request, new SeriesState(), { resourceAttributes: [] });
    for (const family of translation.families) store.describeMetric(family.metadata);
    const units = translation.families.flatMap((family) => family.points);
    await ingestInSteps(store, units);
    samples = units.flatMap((unit) => unit.samples);
  };
  const direct = async (store: TimeSeriesStorage): Promise<void> => {
    for (let i = 0; i < samples.length; i += STEP_UNITS) await store.insertSamples(samples.slice(i, i + STEP_UNITS));
  };
  // Each three times, alternating, the fastest run of each kept: the first runs warm the code up.
  const runs = { pipeline: [] as [number, number][], insert: [] as [number, number][] };
  for (let round = 0; round < 3; round++) {
    runs.pipeline.push(await timed(viaReceiver));
    runs.insert.push(await timed(direct));
  }
  const fastest = (times: [number, number][], which: 0 | 1): number => Math.min(...times.map((t) => t[which]));
  return {
    pipelineMs: fastest(runs.pipeline, 0),
    insertMs: fastest(runs.insert, 0),
    pipelineCpuMs: fastest(runs.pipeline, 1),
    insertCpuMs: fastest(runs.insert, 1),
    samples: samples.length,
  };
}

export async function otlpFigures(quick: boolean): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-otlp-'));
  const host = forkNodeHost(dir, { otlp: 0 });
  const client = await StorageHostClient.start(host);
  const agent = new Agent({ keepAlive: true });
  try {
    const url = await receiverAddress(client);
    const t0 = Date.now() - 3_600_000;
    const requests = quick ? 5 : 20;
    const steps = 10;
    const batches = Array.from({ length: requests }, (_, i) => payload(t0, steps, i * steps));
    const start = performance.now();
    const hostCpuStart = processCpuMs(host.pid);
    for (const batch of batches) {
      const status = await send(url, batch.body, agent);
      if (status !== 200) throw new Error(`the receiver answered ${status}`);
    }
    const seconds = (performance.now() - start) / 1000;
    const hostCpuEnd = processCpuMs(host.pid);
    const points = batches.reduce((n, b) => n + b.points, 0);
    const hostCpu =
      hostCpuStart === null || hostCpuEnd === null
        ? ''
        : ` (the host's CPU time: ${(hostCpuEnd - hostCpuStart).toFixed(0)} ms, ` +
          `${Math.round((points / (hostCpuEnd - hostCpuStart)) * 1000).toLocaleString('en-US')} points per CPU second)`;

    const burst = payload(t0, 100, requests * steps);
    const idle = await slowestPanelCall(client, new Promise((resolve) => setTimeout(resolve, IDLE_CALLS_MS)));
    const burstStart = performance.now();
    const answered = send(url, burst.body, agent);
    const [busy, status] = await Promise.all([slowestPanelCall(client, answered), answered]);
    const burstSeconds = (performance.now() - burstStart) / 1000;
    if (status !== 200) throw new Error(`the receiver answered ${status} to the burst`);
    const stored = (await client.panel.getIngestStatus()).otlp;
    const pipe = await pipelineAgainstInsert(burst.body);
    return [
      `OTLP/HTTP receiver (load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores during the run)`,
      `OTLP/HTTP receiver, protobuf, end to end through the storage host: ${points.toLocaleString('en-US')} data points in ` +
        `${requests} requests of ${(points / requests).toLocaleString('en-US')} (${(batches[0]!.body.length / 1024 / 1024).toFixed(1)} MiB each): ` +
        `${Math.round(points / seconds).toLocaleString('en-US')} points/s${hostCpu}.`,
      `A burst of ${burst.points.toLocaleString('en-US')} points in one request (${(burst.body.length / 1024 / 1024).toFixed(1)} MiB): ` +
        `answered in ${burstSeconds.toFixed(2)} s; the slowest listMetrics call during it took ${busy.toFixed(0)} ms ` +
        `(${idle.toFixed(1)} ms while idle). Accepted ${stored.accepted.toLocaleString('en-US')}, rejected ${stored.rejected}.`,
      `In one process, the same burst through the receiver's pipeline (decode, map, store in steps): ` +
        `${pipe.pipelineMs.toFixed(0)} ms, against ${pipe.insertMs.toFixed(0)} ms for insertSamples of its ` +
        `${pipe.samples.toLocaleString('en-US')} samples alone: ${(pipe.pipelineMs / pipe.insertMs).toFixed(2)}x the engine's own ingest ` +
        `(CPU time: ${pipe.pipelineCpuMs.toFixed(0)} ms against ${pipe.insertCpuMs.toFixed(0)} ms, ` +
        `${(pipe.pipelineCpuMs / pipe.insertCpuMs).toFixed(2)}x; load average ${loadavg()[0]!.toFixed(1)}).`,
    ].join('\n');
  } finally {
    agent.destroy();
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await otlpFigures(process.argv.includes('--quick')));
}
