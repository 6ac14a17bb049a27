/**
 * Listens for the host's incident events for the whole panel: a notice to show (the preview shows
 * it with the browser's Notification API; in the app, Electron's main shows it and never sends this
 * event here) and a click on a native notification; either way the incident is opened.
 */
import { useEffect } from 'react';
import { hasTelemetry, telemetry } from '../lib/api.ts';
import { browserNotifier } from './browser-notifier.ts';

export function useIncidentNotifications(openIncident: (incidentId: number) => void): void {
  useEffect(() => {
    if (!hasTelemetry()) return undefined;
    const api = telemetry();
    const stopNotices = api.on('incident-notification', (notice) =>
      browserNotifier.notify(notice, () => openIncident(notice.incidentId)),
    );
    const stopClicks = api.on('open-incident', ({ incidentId }) => openIncident(incidentId));
    return () => {
      stopNotices();
      stopClicks();
    };
  }, [openIncident]);
}
