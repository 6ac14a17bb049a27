/**
 * The preview's Notifier: the browser's Notification API, used only when the page already has
 * permission (the Alerts view asks for it when the user turns notifications on). In the app,
 * Electron's main shows notifications natively and never sends this page the event.
 */
import type { IncidentNotice, Notifier } from '../../../shared/notifications.ts';

export const browserNotifier: Notifier = {
  notify(notice: IncidentNotice, onClick: () => void): void {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    const shown = new Notification(notice.title, { body: notice.body, tag: `incident-${notice.incidentId}` });
    shown.onclick = () => {
      window.focus();
      onClick();
      shown.close();
    };
  },
};

/** Asks for permission to notify, once the user wants notifications; resolves to whether it is granted. */
export async function requestNotificationPermission(): Promise<boolean> {
  if (typeof Notification === 'undefined') return false;
  if (Notification.permission === 'default') await Notification.requestPermission();
  return Notification.permission === 'granted';
}
