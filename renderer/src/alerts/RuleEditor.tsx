/**
 * Creating or editing an alert rule, with a preview before saving: "this rule would have fired N
 * times in the last 7 days", drawn on the chart (the rule's series, its threshold, and the spans
 * it would have fired in shaded).
 */
import { useState } from 'react';
import type { AlertRule, Incident, MetricInfo, SeriesResult } from '../../../shared/panel-api.ts';
import { ErrorBanner } from '../components/Notice.tsx';
import { useAction } from '../hooks/use-action.ts';
import { telemetry } from '../lib/api.ts';
import { formatValue } from '../lib/format.ts';
import { AlertChart } from './AlertChart.tsx';
import { PREVIEW_SPAN_MS } from './incident-format.ts';
import { EMPTY_FORM, formOf, ruleOf, type RuleForm } from './rule-form.ts';

/** At most this many series are drawn in a preview. */
const PREVIEW_SERIES = 8;

interface Preview {
  rule: AlertRule;
  start: number;
  end: number;
  incidents: Incident[];
  series: SeriesResult[];
}

interface Props {
  rule: AlertRule | null;
  metrics: MetricInfo[];
  onSaved: () => void;
  onCancel: () => void;
}

async function loadPreview(rule: AlertRule): Promise<Preview> {
  const end = Date.now();
  const start = end - PREVIEW_SPAN_MS;
  const api = telemetry();
  const [incidents, series] = await Promise.all([
    api.previewAlertRule(rule, { start, end }),
    api.query({
      metricName: rule.metricName,
      start,
      end,
      aggregation: '5m',
      ...(rule.labels ? { labels: rule.labels } : {}),
      ...(rule.fn ? { fn: rule.fn } : {}),
      ...(rule.q !== undefined ? { q: rule.q } : {}),
      ...(rule.aggregate ? { aggregate: rule.aggregate } : {}),
    }),
  ]);
  return { rule, start, end, incidents, series: series.slice(0, PREVIEW_SERIES) };
}

export function RuleEditor({ rule, metrics, onSaved, onCancel }: Props) {
  const [form, setForm] = useState<RuleForm>(rule ? formOf(rule) : EMPTY_FORM);
  const [preview, setPreview] = useState<Preview | null>(null);
  const action = useAction();
  const set = <K extends keyof RuleForm>(key: K, value: RuleForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setPreview(null);
  };
  const unit = metrics.find((m) => m.name === form.metricName)?.unit ?? 'none';
  const valueUnit = form.fn === 'rate' || form.fn === 'increase' ? 'count' : unit;
  const threshold = Number(form.threshold);
  const fired = preview?.incidents.filter((i) => i.firedAt !== null) ?? [];

  const withRule = (work: (rule: AlertRule) => Promise<unknown>) => {
    let checked: AlertRule;
    try {
      checked = ruleOf(form);
    } catch (err) {
      action.fail(err);
      return;
    }
    action.run(() => work(checked));
  };

  return (
    <section className="card rule-editor" aria-label={rule ? 'Edit rule' : 'New rule'}>
      <h2>{rule ? `Edit “${rule.name}”` : 'New rule'}</h2>
      <div className="rule-grid">
        <label>
          Name
          <input value={form.name} onChange={(e) => set('name', e.target.value)} />
        </label>
        <label>
          Metric
          <select value={form.metricName} onChange={(e) => set('metricName', e.target.value)}>
            <option value="">choose…</option>
            {metrics.map((m) => (
              <option key={m.name}>{m.name}</option>
            ))}
          </select>
        </label>
        <label>
          Labels
          <input
            value={form.labels}
            placeholder="process=host, job!=x"
            onChange={(e) => set('labels', e.target.value)}
          />
        </label>
        <label>
          Function
          <select value={form.fn} onChange={(e) => set('fn', e.target.value as RuleForm['fn'])}>
            <option value="">value (1m average)</option>
            <option value="rate">rate (counter)</option>
            <option value="increase">increase (counter)</option>
            <option value="quantile">quantile (histogram)</option>
          </select>
        </label>
        {form.fn === 'quantile' && (
          <label>
            Quantile
            <input
              type="number"
              step="0.01"
              min="0.01"
              max="0.99"
              value={form.q}
              onChange={(e) => set('q', e.target.value)}
            />
          </label>
        )}
        <label>
          Aggregate
          <select
            value={form.aggregateOp}
            onChange={(e) => set('aggregateOp', e.target.value as RuleForm['aggregateOp'])}
          >
            <option value="">each series</option>
            {(['sum', 'avg', 'min', 'max', 'count'] as const).map((op) => (
              <option key={op}>{op}</option>
            ))}
          </select>
        </label>
        {form.aggregateOp !== '' && (
          <label>
            By labels
            <input value={form.by} placeholder="process" onChange={(e) => set('by', e.target.value)} />
          </label>
        )}
        <label>
          Condition
          <select value={form.op} onChange={(e) => set('op', e.target.value as RuleForm['op'])}>
            <option value=">">above</option>
            <option value="<">below</option>
          </select>
        </label>
        <label>
          Threshold
          <input type="number" value={form.threshold} onChange={(e) => set('threshold', e.target.value)} />
          <span className="muted field-hint">
            {Number.isFinite(threshold) && form.threshold !== ''
              ? `= ${formatValue(threshold, valueUnit)}${form.fn === 'rate' ? '/s' : ''}`
              : `in ${valueUnit === 'none' ? 'the metric’s unit' : valueUnit}`}
          </span>
        </label>
        <label>
          For (minutes)
          <input
            type="number"
            min="0"
            max="1440"
            value={form.forMinutes}
            onChange={(e) => set('forMinutes', e.target.value)}
          />
        </label>
        <label>
          Severity
          <select value={form.severity} onChange={(e) => set('severity', e.target.value as RuleForm['severity'])}>
            <option>info</option>
            <option>warning</option>
            <option>critical</option>
          </select>
        </label>
      </div>
      {action.error !== undefined && <ErrorBanner error={action.error} />}
      <div className="rule-actions">
        <button
          type="button"
          className="button"
          disabled={action.busy}
          onClick={() => withRule(async (r) => setPreview(await loadPreview(r)))}
        >
          Preview
        </button>
        <button
          type="button"
          className="button primary"
          disabled={action.busy}
          onClick={() =>
            withRule(async (r) => {
              await telemetry().saveAlertRule(r);
              onSaved();
            })
          }
        >
          Save rule
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {preview && (
        <div className="rule-preview" data-testid="rule-preview">
          <p>
            This rule would have fired <strong>{fired.length}</strong> {fired.length === 1 ? 'time' : 'times'} in the
            last 7 days
            {preview.incidents.length > fired.length ? ' (and is pending now)' : ''}.
          </p>
          <AlertChart
            series={preview.series}
            start={preview.start}
            end={preview.end}
            format={(v) => `${formatValue(v, valueUnit)}${preview.rule.fn === 'rate' ? '/s' : ''}`}
            threshold={preview.rule.threshold}
            spans={fired.map((i) => ({ start: i.start, end: i.end, severity: i.severity }))}
            label={`Preview of ${preview.rule.name} over the last 7 days`}
          />
        </div>
      )}
    </section>
  );
}
