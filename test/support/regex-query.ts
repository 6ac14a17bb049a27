/**
 * Child process for the regex denial-of-service test: opens a store in the folder it is given,
 * records one series per label value, queries them with one `=~` pattern and prints the values
 * that matched as JSON, so the parent can bound the whole run with a timeout it controls.
 */
import { join } from 'node:path';
import { TimeSeriesStorage } from '../../storage/src/index.ts';

const [dir, pattern, valuesJson] = process.argv.slice(2) as [string, string, string];
const values = JSON.parse(valuesJson) as string[];
const store = new TimeSeriesStorage({ dbPath: join(dir, 'telemetry.db') });
const timestamp = Date.UTC(2026, 0, 1);
await store.insertSamples(values.map((path) => ({ name: 'requests', value: 1, timestamp, labels: { path } })));
const series = store.queryMetrics({
  metricName: 'requests',
  start: timestamp,
  end: timestamp + 1,
  labels: { path: { op: '=~', value: pattern } },
});
process.stdout.write(JSON.stringify(series.map((s) => s.labels.path).sort()));
store.close();
