/**
 * The exposition parser (electron/ingest/scrape/exposition-parser.ts): the text format 0.0.4
 * example of Prometheus' documentation and OpenMetrics 1.0 expositions read field by field
 * (types, units, help, escapes, timestamps in ms and in seconds, NaN and ±Inf, exemplars dropped);
 * malformed expositions refused whole with the line; and, as a property against a client no one
 * here wrote, whatever prom-client renders in either format (random label values with quotes,
 * backslashes and line breaks, random values) reads back exactly.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import client from 'prom-client';
import { ExpositionError, parseGoFloat } from '../electron/ingest/scrape/exposition-lexer.ts';
import { formatOf, parseExposition, type Exposition } from '../electron/ingest/scrape/exposition-parser.ts';

/** The example of https://prometheus.io/docs/instrumenting/exposition_formats/ (text format 0.0.4). */
const PROMETHEUS_DOCS_EXAMPLE = String.raw`# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values:
msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9

# Minimalistic line:
metric_without_timestamp_and_labels 12.47

# A weird metric from before the epoch:
something_weird{problem="division by zero"} +Inf -3982045

# A histogram, which has a pretty complex representation in the text format:
# HELP http_request_duration_seconds A histogram of the request duration.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="0.1"} 33444
http_request_duration_seconds_bucket{le="0.2"} 100392
http_request_duration_seconds_bucket{le="0.5"} 129389
http_request_duration_seconds_bucket{le="1"} 133988
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320

# Finally a summary, which has a complex representation, too:
# HELP rpc_duration_seconds A summary of the RPC duration in seconds.
# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile="0.01"} 3102
rpc_duration_seconds{quantile="0.05"} 3272
rpc_duration_seconds{quantile="0.5"} 4773
rpc_duration_seconds{quantile="0.9"} 9001
rpc_duration_seconds{quantile="0.99"} 76656
rpc_duration_seconds_sum 1.7560473e+07
rpc_duration_seconds_count 2693
`;

const OPENMETRICS_EXAMPLE = String.raw`# TYPE acme_http_router_request_seconds summary
# UNIT acme_http_router_request_seconds seconds
# HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.
acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32
acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0
acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0
# TYPE go_goroutines gauge
go_goroutines 69 1520879607.789
# TYPE process_cpu_seconds counter
# UNIT process_cpu_seconds seconds
# HELP process_cpu_seconds Total user and system CPU time spent in seconds.
process_cpu_seconds_total 4.20072246e+06
process_cpu_seconds_created 1605281325.0
# TYPE foo histogram
foo_bucket{le="0.0"} 0
foo_bucket{le="1e-05"} 0
foo_bucket{le="+Inf"} 17 # {trace_id="oHg5SJYRHA0"} 9.8 1520879607.789
foo_count 17
foo_sum 324789.3
foo_created 1520430000.123
# TYPE build info
build_info{version="1.2.3"} 1
# TYPE nan_gauge gauge
nan_gauge NaN
nan_gauge{x="inf"} -Inf
# EOF
`;

const canonical = (labels: Record<string, string>): string => JSON.stringify(Object.entries(labels).sort());

function sampleOf(exposition: Exposition, name: string, labels: Record<string, string> = {}) {
  const found = exposition.samples.filter((s) => s.name === name && canonical(s.labels) === canonical(labels));
  assert.equal(found.length, 1, `one sample ${name}${JSON.stringify(labels)}`);
  return found[0]!;
}

function familyOf(exposition: Exposition, name: string) {
  const family = exposition.families.find((f) => f.name === name);
  assert.ok(family, `family ${name}`);
  return family;
}

describe('text format 0.0.4', () => {
  const parsed = parseExposition(PROMETHEUS_DOCS_EXAMPLE, 'text-0.0.4');

  test("reads the documentation's example: types, help, labels, escapes, timestamps, +Inf", () => {
    assert.equal(parsed.samples.length, 2 + 1 + 1 + 1 + 8 + 7);
    const post400 = sampleOf(parsed, 'http_requests_total', { method: 'post', code: '400' });
    assert.deepEqual([post400.value, post400.timestamp, post400.family.type], [3, 1395066363000, 'counter']);
    assert.equal(familyOf(parsed, 'http_requests_total').help, 'The total number of HTTP requests.');
    const escaped = sampleOf(parsed, 'msdos_file_access_time_seconds', {
      path: 'C:\\DIR\\FILE.TXT',
      error: 'Cannot find file:\n"FILE.TXT"',
    });
    assert.equal(escaped.value, 1.458255915e9);
    assert.equal(escaped.timestamp, undefined);
    assert.equal(escaped.family.described, false);
    const weird = sampleOf(parsed, 'something_weird', { problem: 'division by zero' });
    assert.deepEqual([weird.value, weird.timestamp], [Infinity, -3982045]);
    assert.equal(sampleOf(parsed, 'metric_without_timestamp_and_labels').value, 12.47);
  });

  test('ties histogram and summary series to their families', () => {
    const histogram = familyOf(parsed, 'http_request_duration_seconds');
    assert.equal(histogram.type, 'histogram');
    for (const name of ['_bucket', '_sum', '_count'].map((s) => `http_request_duration_seconds${s}`)) {
      assert.ok(parsed.samples.filter((s) => s.name === name).every((s) => s.family === histogram));
    }
    assert.equal(sampleOf(parsed, 'http_request_duration_seconds_bucket', { le: '+Inf' }).value, 144320);
    const summary = familyOf(parsed, 'rpc_duration_seconds');
    assert.equal(summary.type, 'summary');
    assert.equal(sampleOf(parsed, 'rpc_duration_seconds', { quantile: '0.99' }).family, summary);
    assert.equal(sampleOf(parsed, 'rpc_duration_seconds_sum').value, 1.7560473e7);
    assert.equal(parsed.families.filter((f) => f.described).length, 3);
  });

  test('takes blanks, tabs, a trailing comma, CRLF line ends and Go spellings of NaN and Inf', () => {
    const body = '# TYPE a gauge\r\n  a{x="1",} \t NaN\r\nb Inf 5\nc -inf\nd nan\n# just a comment\n';
    const p = parseExposition(body, 'text-0.0.4');
    assert.ok(Number.isNaN(sampleOf(p, 'a', { x: '1' }).value));
    assert.deepEqual([sampleOf(p, 'b').value, sampleOf(p, 'b').timestamp], [Infinity, 5]);
    assert.equal(sampleOf(p, 'c').value, -Infinity);
    assert.ok(Number.isNaN(sampleOf(p, 'd').value));
  });

  const refused: [string, string, RegExp][] = [
    ['garbage', '<html><body>Not metrics</body></html>\n', /line 1/],
    ['a value that is not a number', 'a 1\nb twelve\n', /line 2.*"twelve" is not a number/],
    ['a fractional ms timestamp', 'a 1 1.5\n', /integer milliseconds/],
    ['an unterminated label value', 'a{x="1} 1\n', /unterminated/],
    ['a label given twice', 'a{x="1",x="2"} 1\n', /given twice/],
    ['a second TYPE', '# TYPE a gauge\n# TYPE a counter\na 1\n', /second TYPE/],
    ['TYPE after samples', 'a 1\n# TYPE a gauge\n', /after its samples/],
    ['an unknown type', '# TYPE a thing\n', /unknown metric type/],
    ['a bucket without le', '# TYPE h histogram\nh_bucket 1\n', /no le label/],
    ['a histogram sample without suffix', '# TYPE h histogram\nh 1\n', /not a sample of the histogram h/],
    ['a summary quantile without quantile', '# TYPE s summary\ns 1\n', /no quantile label/],
    ['text after the timestamp', 'a 1 2 3\n', /unexpected text/],
  ];
  for (const [what, body, message] of refused) {
    test(`refuses ${what} with the line`, () => {
      assert.throws(
        () => parseExposition(body, 'text-0.0.4'),
        (err: unknown) => {
          assert.ok(err instanceof ExpositionError);
          assert.match(err.message, message);
          return true;
        },
      );
    });
  }
});

describe('OpenMetrics 1.0', () => {
  const parsed = parseExposition(OPENMETRICS_EXAMPLE, 'openmetrics-1.0');

  test('reads units, help, counters with _total, histograms, info, exemplars dropped, timestamps in seconds', () => {
    const cpu = familyOf(parsed, 'process_cpu_seconds');
    assert.deepEqual(
      [cpu.type, cpu.unit, cpu.help],
      ['counter', 'seconds', 'Total user and system CPU time spent in seconds.'],
    );
    assert.equal(sampleOf(parsed, 'process_cpu_seconds_total').family, cpu);
    assert.equal(sampleOf(parsed, 'process_cpu_seconds_created').family, cpu);
    assert.equal(sampleOf(parsed, 'go_goroutines').timestamp, 1520879607789);
    assert.equal(sampleOf(parsed, 'foo_bucket', { le: '+Inf' }).value, 17);
    assert.equal(sampleOf(parsed, 'build_info', { version: '1.2.3' }).family.type, 'info');
    assert.equal(familyOf(parsed, 'acme_http_router_request_seconds').unit, 'seconds');
    assert.ok(Number.isNaN(sampleOf(parsed, 'nan_gauge').value));
    assert.equal(sampleOf(parsed, 'nan_gauge', { x: 'inf' }).value, -Infinity);
  });

  const refused: [string, string, RegExp][] = [
    ['a body without # EOF (truncated)', OPENMETRICS_EXAMPLE.replace('# EOF\n', ''), /no "# EOF"/],
    ['a body cut inside a line', OPENMETRICS_EXAMPLE.slice(0, 200), /no "# EOF"/],
    ['text after # EOF', `${OPENMETRICS_EXAMPLE}a 1\n`, /after "# EOF"/],
    ['a blank line', '# TYPE a gauge\n\na 1\n# EOF\n', /blank line/],
    ['a family split in two', 'a 1\nb 1\na{x="y"} 2\n# EOF\n', /not together/],
    ['a unit that is not a suffix', '# TYPE a_bytes gauge\n# UNIT a_bytes seconds\n# EOF\n', /not a suffix/],
    ['a counter sample without _total', '# TYPE c counter\nc 1\n# EOF\n', /not a sample of the counter c/],
    ['an unknown comment', '# hello\n# EOF\n', /unknown line/],
    ['a type of the text format only', '# TYPE a untyped\n# EOF\n', /unknown metric type/],
  ];
  for (const [what, body, message] of refused) {
    test(`refuses ${what}`, () => {
      assert.throws(() => parseExposition(body, 'openmetrics-1.0'), message);
    });
  }

  test('the Content-Type picks the format; anything else is read as text 0.0.4, as Prometheus does', () => {
    assert.equal(formatOf('application/openmetrics-text; version=1.0.0; charset=utf-8'), 'openmetrics-1.0');
    assert.equal(formatOf('text/plain; version=0.0.4; charset=utf-8'), 'text-0.0.4');
    assert.equal(formatOf(undefined), 'text-0.0.4');
  });
});

test("Go's float syntax: decimal, exponent, the special values in any case; nothing else", () => {
  assert.equal(parseGoFloat('-1.5e3'), -1500);
  assert.equal(parseGoFloat('.5'), 0.5);
  assert.equal(parseGoFloat('+Inf'), Infinity);
  assert.equal(parseGoFloat('-Infinity'), -Infinity);
  for (const bad of ['', ' 1', '0x10', '1_000', 'one', '1e', '--1']) assert.equal(parseGoFloat(bad), undefined, bad);
});

describe('whatever prom-client renders reads back exactly (property, fixed seed)', () => {
  const labelValue = fc.string({
    unit: fc.constantFrom('a', 'Z', '"', '\\', '\n', ' ', '{', '}', ',', '=', 'é', '#'),
    maxLength: 12,
  });
  const value = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());
  const series = fc.uniqueArray(fc.record({ path: labelValue, code: labelValue, value }), {
    selector: (s) => `${s.path}\u0000${s.code}`,
    minLength: 1,
    maxLength: 8,
  });

  for (const format of ['text-0.0.4', 'openmetrics-1.0'] as const) {
    test(format, async () => {
      await fc.assert(
        fc.asyncProperty(series, async (list) => {
          const registry = new client.Registry<client.RegistryContentType>();
          if (format === 'openmetrics-1.0') registry.setContentType(client.Registry.OPENMETRICS_CONTENT_TYPE);
          const gauge = new client.Gauge({
            name: 'prop_gauge_bytes',
            help: 'help with "quotes", a \\ and\na line break',
            labelNames: ['path', 'code'],
            registers: [registry],
          });
          for (const s of list) gauge.set({ path: s.path, code: s.code }, s.value);
          const parsed = parseExposition(await registry.metrics(), formatOf(registry.contentType));
          assert.equal(parsed.samples.length, list.length);
          for (const s of list) {
            const read = sampleOf(parsed, 'prop_gauge_bytes', { code: s.code, path: s.path });
            assert.equal(read.value, s.value);
          }
          assert.equal(familyOf(parsed, 'prop_gauge_bytes').help, 'help with "quotes", a \\ and\na line break');
        }),
        { seed: 20261130, numRuns: 150 },
      );
    });
  }
});

test('any text is an exposition or one ExpositionError, never another failure (property, fixed seed)', () => {
  const pieces = fc.constantFrom(
    '# TYPE a counter',
    '# TYPE h histogram',
    '# HELP a x\\ny',
    '# UNIT a_s s',
    '# EOF',
    'a_total 1',
    'h_bucket{le="+Inf"} 2 3',
    'a{x="\\"",} NaN',
    'a{',
    '"',
    ' ',
    '\t',
    '#',
    '{}',
    '1e400',
    '-Inf',
    '\r',
    '\\',
  );
  const body = fc
    .array(fc.oneof(pieces, fc.string({ maxLength: 6 })), { maxLength: 30 })
    .map((parts) => parts.join(''));
  const lines = fc.array(fc.oneof(pieces, body), { maxLength: 12 }).map((parts) => parts.join('\n'));
  fc.assert(
    fc.property(lines, fc.constantFrom('text-0.0.4' as const, 'openmetrics-1.0' as const), (text, format) => {
      try {
        parseExposition(text, format);
      } catch (err) {
        assert.ok(err instanceof ExpositionError, String(err));
      }
    }),
    { seed: 30112026, numRuns: 2000 },
  );
});
