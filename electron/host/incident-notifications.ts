/**
 * Which incidents become desktop notifications, decided in the storage host after each
 * evaluation: a firing warning or critical incident, once (the ids already handled are kept in the
 * store, app setting `notified-incidents`, so a restart does not notify again), unless the user
 * turned notifications off or it is within their quiet hours (local time); an incident that
 * fires then is not notified later either. The settings are the app setting `notifications`
 * (JSON). How a notice is shown is the Notifier's business.
 */
import type { Incident } from '../../storage/src/index.ts';
import { incidentMessage, incidentTitle, incidentValueFormat } from '../../shared/incident-text.ts';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  type IncidentNotice,
  type NotificationSettings,
  type Notifier,
  type QuietHours,
} from '../../shared/notifications.ts';
import type { Unit } from '../../shared/panel-api.ts';
import type { ShellStore } from './shell-store.ts';

const SETTINGS_KEY = 'notifications';
const NOTIFIED_KEY = 'notified-incidents';
/** How many handled incident ids are remembered (the newest; older incidents no longer fire). */
const REMEMBERED = 1000;

export interface NotificationDeps {
  store: Pick<ShellStore, 'getAppSetting' | 'setAppSetting' | 'listAlertRules'>;
  notifier: Notifier;
  /** Called with the incident's id when the user clicks its notice. */
  open: (incidentId: number) => void;
  /** How the panel formats a metric's values. */
  unitOf: (metricName: string) => Unit;
  now: () => number;
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/** Whether `at` (local time) falls within the quiet hours; `from` after `to` spans midnight, equal ones are empty. */
export function inQuietHours(at: number, quiet: QuietHours | null): boolean {
  if (!quiet) return false;
  const date = new Date(at);
  const minute = date.getHours() * 60 + date.getMinutes();
  const from = minutesOf(quiet.from);
  const to = minutesOf(quiet.to);
  return from <= to ? minute >= from && minute < to : minute >= from || minute < to;
}

const localTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

export class IncidentNotifications {
  constructor(private readonly deps: NotificationDeps) {}

  settings(): NotificationSettings {
    const text = this.deps.store.getAppSetting(SETTINGS_KEY);
    if (text === null) return DEFAULT_NOTIFICATION_SETTINGS;
    try {
      return { ...DEFAULT_NOTIFICATION_SETTINGS, ...(JSON.parse(text) as NotificationSettings) };
    } catch {
      return DEFAULT_NOTIFICATION_SETTINGS; // a damaged setting: the defaults, until the user saves again
    }
  }

  setSettings(settings: NotificationSettings): NotificationSettings {
    this.deps.store.setAppSetting(SETTINGS_KEY, JSON.stringify(settings));
    return this.settings();
  }

  /** Notifies the incidents that call for it (see the module comment); returns how many were shown. */
  consider(incidents: readonly Incident[]): number {
    const candidates = incidents.filter((i) => i.state === 'firing' && i.severity !== 'info');
    if (candidates.length === 0) return 0;
    const handled = this.handled();
    const fresh = candidates.filter((i) => !handled.includes(i.id));
    if (fresh.length === 0) return 0;
    this.deps.store.setAppSetting(
      NOTIFIED_KEY,
      JSON.stringify([...handled, ...fresh.map((i) => i.id)].slice(-REMEMBERED)),
    );
    const { enabled, quietHours } = this.settings();
    if (!enabled || inQuietHours(this.deps.now(), quietHours)) return 0;
    for (const incident of fresh) this.deps.notifier.notify(this.notice(incident), () => this.deps.open(incident.id));
    return fresh.length;
  }

  private handled(): number[] {
    try {
      const ids: unknown = JSON.parse(this.deps.store.getAppSetting(NOTIFIED_KEY) ?? '[]');
      return Array.isArray(ids) ? ids.filter((id): id is number => Number.isInteger(id)) : [];
    } catch {
      return [];
    }
  }

  private notice(incident: Incident): IncidentNotice {
    const rule = this.deps.store.listAlertRules().find((r) => r.id === incident.ruleId);
    return {
      incidentId: incident.id,
      severity: incident.severity === 'critical' ? 'critical' : 'warning',
      title: incidentTitle(incident),
      body: incidentMessage(incident, {
        value: incidentValueFormat(incident, rule?.fn, this.deps.unitOf(incident.metricName)),
        time: (ms) => localTime.format(ms),
      }),
    };
  }
}
