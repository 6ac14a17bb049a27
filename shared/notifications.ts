/**
 * Desktop notifications of incidents: what one says (IncidentNotice), the settings the user
 * controls (on/off, quiet hours), and the one interface every way of showing one implements
 * (Notifier): Electron's Notification in the app (electron/window/electron-notifier.ts), the
 * browser's Notification API in the preview (renderer/src/alerts/browser-notifier.ts), a recording
 * one in the tests. Which incidents are notified, and when, is decided once, in the storage host
 * (electron/host/incident-notifications.ts).
 */

/** One notification: about one incident; clicking it opens that incident in the panel. */
export interface IncidentNotice {
  incidentId: number;
  severity: 'warning' | 'critical';
  title: string;
  body: string;
}

/** Quiet hours in local time, "HH:MM" (24 h); `from` after `to` spans midnight. */
export interface QuietHours {
  from: string;
  to: string;
}

export interface NotificationSettings {
  enabled: boolean;
  quietHours: QuietHours | null;
}

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = { enabled: true, quietHours: null };

/** "HH:MM", 00:00 to 23:59. */
export const CLOCK_TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Shows notices; `onClick` runs when the user clicks one. */
export interface Notifier {
  notify(notice: IncidentNotice, onClick: () => void): void;
}
