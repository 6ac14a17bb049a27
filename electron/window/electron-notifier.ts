/**
 * The app's Notifier: Electron's native Notification (main process). Clicking one brings the
 * window forward; the caller then tells the panel which incident to open. Electron's module is
 * passed in, so this file stays free of a hard import of Electron (tests run under Node).
 */
import type { IncidentNotice, Notifier } from '../../shared/notifications.ts';

/** The part of Electron's Notification class used here. */
export interface NativeNotificationClass {
  new (options: { title: string; body: string; urgency?: 'normal' | 'critical' }): {
    on(event: 'click', listener: () => void): unknown;
    show(): void;
  };
  isSupported(): boolean;
}

export class ElectronNotifier implements Notifier {
  constructor(private readonly Native: NativeNotificationClass) {}

  notify(notice: IncidentNotice, onClick: () => void): void {
    if (!this.Native.isSupported()) return;
    const shown = new this.Native({
      title: notice.title,
      body: notice.body,
      urgency: notice.severity === 'critical' ? 'critical' : 'normal',
    });
    shown.on('click', onClick);
    shown.show();
  }
}
