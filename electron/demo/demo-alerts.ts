/**
 * The demo history's alerting, so a new user sees it working at once: a rule on the storage host's
 * demo memory (above 170 MiB for 5 minutes, which its spikes cross and its daily cycle never
 * does), baselines computed right after the history loads, and the last week of the history
 * checked against them (anomaly incidents) and against the rule (rule incidents). The demo's rules
 * select `source="demo"`, which is how removing the demo history finds them.
 */
import { ALERT_LOOKBACK_DAYS, DAY_MS, type AlertRule } from '../../storage/src/index.ts';
import { METRIC } from '../collector/metric-catalog.ts';
import type { ShellStore } from '../host/shell-store.ts';
import { DEMO_LABEL } from '../../shared/constants.ts';

const MIB = 1024 * 1024;

export const DEMO_RULES: readonly AlertRule[] = [
  {
    name: 'Storage host memory above 170 MiB for 5 minutes',
    metricName: METRIC.residentMemory,
    labels: { process: 'host', [DEMO_LABEL.name]: DEMO_LABEL.value },
    op: '>',
    threshold: 170 * MIB,
    forSeconds: 300,
    severity: 'warning',
  },
];

const isDemoRule = (rule: AlertRule): boolean => rule.labels?.[DEMO_LABEL.name] === DEMO_LABEL.value;

/** Deletes the demo's rules (their past incidents stay until their series go). */
export function removeDemoRules(store: ShellStore): void {
  for (const rule of store.listAlertRules().filter(isDemoRule)) store.deleteAlertRule(rule.id!);
}

/** Saves the demo rules, computes baselines and evaluates the last week of the history ending at `end`. */
export async function prepareDemoAlerts(store: ShellStore, end: number): Promise<void> {
  removeDemoRules(store);
  for (const rule of DEMO_RULES) store.saveAlertRule(rule);
  await store.computeBaselines();
  await store.detectAnomalies({ since: end - ALERT_LOOKBACK_DAYS * DAY_MS });
  await store.evaluateAlertRules();
}
