/**
 * From a parsed exposition to what the store takes, as Prometheus stores a scrape: every sample
 * gets the target's `job` and `instance` labels (labels of those names in the exposition become
 * `exported_job` / `exported_instance`, Prometheus' honor_labels: false), the exposition's own
 * timestamp when it has one, else the scrape's start. OpenMetrics `_created` samples are dropped (a
 * counter's creation time is not a value of it; Prometheus does not store them either), and so are
 * values the store cannot keep (NaN, ±Inf), counted as rejected. Each described family becomes one
 * declaration of its type, unit and help under the name the store knows it by (an OpenMetrics
 * counter `x` under `x_total`, an info `x` under `x_info`).
 */
import {
  MAX_HELP_LENGTH,
  MAX_UNIT_LENGTH,
  type MetricMetadata,
  type MetricSample,
} from '../../../storage/src/index.ts';
import { suffixIn, type Exposition, type MetricFamily } from './exposition-parser.ts';

/** The target a scrape belongs to, as its labels say. */
export interface TargetLabels {
  job: string;
  instance: string;
}

export interface ScrapedSamples {
  samples: MetricSample[];
  declarations: MetricMetadata[];
  /** Samples left out because their value is NaN or infinite. */
  nonFinite: number;
}

const TARGET_LABELS = ['job', 'instance'] as const;
const CREATED_SUFFIX = '_created';
/** Control characters (a help text may hold an escaped line break) become spaces. */
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f]/g;

function withTargetLabels(labels: Record<string, string>, target: TargetLabels): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(labels)) {
    out[(TARGET_LABELS as readonly string[]).includes(name) ? `exported_${name}` : name] = value;
  }
  out.job = target.job;
  out.instance = target.instance;
  return out;
}

function isCreated(family: MetricFamily, name: string, exposition: Exposition): boolean {
  return exposition.format === 'openmetrics-1.0' && suffixIn(family, name, exposition.format) === CREATED_SUFFIX;
}

/** The name and type the store declares a family under, or undefined for a family it should infer. */
function declaredAs(family: MetricFamily, exposition: Exposition): Pick<MetricMetadata, 'name' | 'type'> | undefined {
  const openMetrics = exposition.format === 'openmetrics-1.0';
  switch (family.type) {
    case 'counter':
      return { name: openMetrics ? `${family.name}_total` : family.name, type: 'counter' };
    case 'info':
      return { name: `${family.name}_info`, type: 'gauge' };
    case 'stateset':
    case 'gauge':
      return { name: family.name, type: 'gauge' };
    case 'histogram':
    case 'summary':
      return { name: family.name, type: family.type };
    default:
      // unknown: nothing to say; gaugehistogram: the store has no such type (its name shows the shape).
      return undefined;
  }
}

function declaration(family: MetricFamily, exposition: Exposition): MetricMetadata | undefined {
  const as = family.described ? declaredAs(family, exposition) : undefined;
  if (!as) return undefined;
  const help = family.help?.replace(CONTROL_RE, ' ').slice(0, MAX_HELP_LENGTH).trim();
  const unit = family.unit && family.unit.length <= MAX_UNIT_LENGTH ? family.unit : undefined;
  return { ...as, ...(unit ? { unit } : {}), ...(help ? { help } : {}) };
}

export function scrapedSamples(exposition: Exposition, target: TargetLabels, scrapeStart: number): ScrapedSamples {
  const samples: MetricSample[] = [];
  let nonFinite = 0;
  for (const sample of exposition.samples) {
    if (isCreated(sample.family, sample.name, exposition)) continue;
    if (!Number.isFinite(sample.value)) {
      nonFinite++;
      continue;
    }
    samples.push({
      name: sample.name,
      value: sample.value,
      timestamp: sample.timestamp ?? scrapeStart,
      labels: withTargetLabels(sample.labels, target),
    });
  }
  const declarations = exposition.families.flatMap((f) => declaration(f, exposition) ?? []);
  return { samples, declarations, nonFinite };
}
