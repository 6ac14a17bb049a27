/**
 * The rules editor's form (renderer/src/alerts/rule-form.ts): a rule survives the round trip
 * through the form (label matchers as text, `for` in minutes); a form that does not describe a rule
 * says why; and the engine accepts what the form produces (a real store on disk).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY_FORM, formOf, ruleOf } from '../renderer/src/alerts/rule-form.ts';
import type { AlertRule } from '../storage/src/index.ts';
import { T0, openStore } from './support/store.ts';

const rules: AlertRule[] = [
  {
    name: 'busy',
    metricName: 'req_total',
    labels: { svc: 'api', pod: { op: '!=', value: 'canary' }, path: { op: '=~', value: '/api/.*' } },
    fn: 'rate',
    aggregate: { op: 'sum', by: ['svc', 'path'] },
    op: '>',
    threshold: 12.5,
    forSeconds: 300,
    severity: 'critical',
    enabled: false,
  },
  {
    id: 3,
    name: 'slow',
    metricName: 'lat_seconds',
    fn: 'quantile',
    q: 0.99,
    op: '<',
    threshold: -1,
    forSeconds: 0,
    severity: 'info',
    enabled: true,
  },
];

describe('rule form', () => {
  it('round-trips rules, and the engine accepts them', async () => {
    const s = openStore({ now: () => T0 });
    try {
      await s.store.insertSamples([{ name: 'req_total', value: 1, timestamp: T0 - 1000 }]);
      for (const rule of rules) {
        assert.deepEqual(ruleOf(formOf(rule)), rule);
        const { id: _id, ...fresh } = rule;
        assert.deepEqual(s.store.saveAlertRule(ruleOf(formOf(fresh))), {
          ...fresh,
          id: s.store.listAlertRules().at(-1)!.id,
        });
      }
    } finally {
      s.cleanup();
    }
  });

  it('says what is missing or malformed', () => {
    const good = { ...EMPTY_FORM, name: 'n', metricName: 'm', threshold: '1' };
    const bad: [Partial<typeof good>, RegExp][] = [
      [{ name: ' ' }, /name/],
      [{ metricName: '' }, /metric/],
      [{ threshold: '' }, /threshold/],
      [{ threshold: 'lots' }, /threshold/],
      [{ forMinutes: '1.5' }, /whole number of minutes/],
      [{ labels: 'process' }, /"process" is not a label matcher/],
    ];
    assert.doesNotThrow(() => ruleOf(good));
    for (const [patch, message] of bad) assert.throws(() => ruleOf({ ...good, ...patch }), message);
  });
});
