/**
 * The panel's alerting calls, spread into the panel handlers: alert rules (a saved rule is
 * evaluated at once, through the job queue, so its incidents and notifications follow without
 * waiting for the next minute), incidents, when baselines will be ready, and the notification
 * settings. Arguments were validated by panel-schemas.ts; the engine validates rules again.
 */
import type { PanelApi } from '../../shared/panel-api.ts';
import type { IncidentNotifications } from './incident-notifications.ts';
import type { JobScheduler } from './jobs.ts';
import type { ShellStore } from './shell-store.ts';

export interface AlertHandlerContext {
  store: ShellStore;
  jobs: Pick<JobScheduler, 'run' | 'nextRun'>;
  notifications: IncidentNotifications;
}

type AlertCalls = Pick<
  PanelApi,
  | 'saveAlertRule'
  | 'listAlertRules'
  | 'deleteAlertRule'
  | 'previewAlertRule'
  | 'listIncidents'
  | 'acknowledgeIncident'
  | 'getAlertingStatus'
  | 'getNotificationSettings'
  | 'setNotificationSettings'
>;

export function createAlertHandlers(ctx: AlertHandlerContext): AlertCalls {
  const { store } = ctx;
  /** Evaluates now; a failure is the job's (reported and counted there), not the call's. */
  const evaluateNow = (): Promise<void> => ctx.jobs.run('alerts').catch(() => undefined);
  return {
    async saveAlertRule(rule) {
      const saved = store.saveAlertRule(rule);
      await evaluateNow();
      return saved;
    },
    async listAlertRules() {
      return store.listAlertRules();
    },
    async deleteAlertRule(id) {
      store.deleteAlertRule(id);
    },
    async previewAlertRule(rule, range) {
      return store.previewAlertRule(rule, range);
    },
    async listIncidents(filter) {
      return store.listIncidents(filter);
    },
    async acknowledgeIncident(id) {
      store.acknowledgeIncident(id);
    },
    async getAlertingStatus() {
      return { baselines: store.getBaselines({}).length, nextBaselinesAt: ctx.jobs.nextRun('baselines') };
    },
    async getNotificationSettings() {
      return ctx.notifications.settings();
    },
    async setNotificationSettings(settings) {
      return ctx.notifications.setSettings(settings);
    },
  };
}
