/**
 * Alerting as the store offers it (TimeSeriesStorage delegates here): rules saved, listed,
 * deleted and previewed with typed validation; evaluation of every enabled rule and of the
 * anomaly checks up to a given instant, each rule in its own transaction; incidents listed and
 * acknowledged. A rule whose query fails when evaluated (its metric changed type, a damaged chunk)
 * is skipped and reported in the store's health until it evaluates again; the others go on.
 */
import { MINUTE_MS } from '../../../shared/constants.ts';
import type { Baselines } from '../baselines/baselines.ts';
import type { Db } from '../db/connection.ts';
import { InvalidArgumentError, StorageError } from '../errors.ts';
import type { StoreHealth } from '../health.ts';
import { checkTimestampArg } from '../config.ts';
import { queryMetrics, type QueryContext } from '../query/query.ts';
import type { AlertRule, Incident, IncidentFilter } from '../types.ts';
import type { IncidentLog } from './incidents.ts';
import { asRuleError, checkRuleFields, ruleQuery } from './rule-check.ts';
import { evaluateStoredRule, previewRule } from './rule-evaluation.ts';
import { RuleStore, publicRule } from './rules.ts';

/** The longest range a preview covers: a month. */
const MAX_PREVIEW_MS = 31 * 24 * 60 * MINUTE_MS;

export interface AlertingContext {
  db: Db;
  query: () => QueryContext;
  baselines: Baselines;
  incidents: IncidentLog;
  health: StoreHealth;
  now: () => number;
  zThreshold: number;
}

function checkId(id: unknown, what: string): number {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1)
    throw new InvalidArgumentError(`${what} id must be a positive integer`);
  return id;
}

const minuteOf = (t: number): number => Math.floor(t / MINUTE_MS) * MINUTE_MS;

/** The health subject of a rule whose evaluation failed. */
const ruleSubject = (id: number): string => `alert rule ${id}`;

export class Alerting {
  private readonly rules: RuleStore;

  constructor(private readonly ctx: AlertingContext) {
    this.rules = new RuleStore(ctx.db, ctx.incidents);
  }

  save(input: AlertRule): AlertRule {
    const rule = checkRuleFields(input);
    const minute = minuteOf(this.ctx.now());
    asRuleError(() => queryMetrics(this.ctx.query(), ruleQuery(rule, minute, minute + MINUTE_MS)));
    return publicRule(this.ctx.db.transaction(() => this.rules.save(rule, minute)).immediate());
  }

  list(): AlertRule[] {
    return this.rules.list().map(publicRule);
  }

  delete(id: unknown): void {
    const checked = checkId(id, 'alert rule');
    this.ctx.db.transaction(() => this.rules.delete(checked)).immediate();
    this.ctx.health.clear('job-failed', ruleSubject(checked));
  }

  preview(input: AlertRule, range: { start: number; end: number }): Incident[] {
    const rule = checkRuleFields(input);
    if (range === null || typeof range !== 'object') throw new InvalidArgumentError('the range must be { start, end }');
    const start = checkTimestampArg(range.start, 'start');
    const end = Math.min(checkTimestampArg(range.end, 'end'), this.ctx.now());
    if (start >= end) throw new InvalidArgumentError('start must be before end (and before now)');
    if (end - start > MAX_PREVIEW_MS) throw new InvalidArgumentError('a preview covers at most 31 days');
    return asRuleError(() => previewRule(this.ctx.query(), rule, start, end));
  }

  /**
   * Evaluates every enabled rule and the anomaly checks over the complete minutes up to `now`; a
   * minute the store's clock has not finished yet is not complete, so a later `now` stops there.
   */
  evaluate(now: unknown): Incident[] {
    const clock = this.ctx.now();
    const at = now === undefined ? clock : Math.min(checkTimestampArg(now, 'now'), clock);
    const to = minuteOf(at);
    const changed: Incident[] = [];
    const context = { query: this.ctx.query(), rules: this.rules, incidents: this.ctx.incidents };
    for (const rule of this.rules.list().filter((r) => r.enabled)) {
      try {
        changed.push(...this.ctx.db.transaction(() => evaluateStoredRule(context, rule, to)).immediate());
        this.ctx.health.clear('job-failed', ruleSubject(rule.id));
      } catch (err) {
        if (!(err instanceof StorageError) || !['INVALID_ARGUMENT', 'CHUNK_CORRUPT'].includes(err.code)) throw err;
        this.ctx.health.report('job-failed', ruleSubject(rule.id), `alert rule "${rule.name}": ${err.message}`);
      }
    }
    changed.push(...this.ctx.baselines.detect(this.ctx.zThreshold, { at }).incidents);
    return changed;
  }

  listIncidents(filter: IncidentFilter = {}): Incident[] {
    return this.ctx.incidents.list(filter);
  }

  acknowledge(id: unknown): void {
    this.ctx.incidents.acknowledge(checkId(id, 'incident'));
  }
}
