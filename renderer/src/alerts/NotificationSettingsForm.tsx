/**
 * Notification settings: on or off, and quiet hours (local time). In the browser preview, turning
 * notifications on asks the browser for permission; without it nothing is shown there.
 */
import { useCallback, useEffect, useState } from 'react';
import type { NotificationSettings } from '../../../shared/notifications.ts';
import { ErrorBanner } from '../components/Notice.tsx';
import { useAction } from '../hooks/use-action.ts';
import { useAsync } from '../hooks/use-async.ts';
import { telemetry } from '../lib/api.ts';
import { requestNotificationPermission } from './browser-notifier.ts';

const DEFAULT_QUIET = { from: '22:00', to: '07:00' };

export function NotificationSettingsForm() {
  const loaded = useAsync(useCallback(() => telemetry().getNotificationSettings(), []));
  const [draft, setDraft] = useState<NotificationSettings | null>(null);
  const action = useAction();
  useEffect(() => {
    if (loaded.data) setDraft(loaded.data);
  }, [loaded.data]);
  if (!draft) return null;
  const save = (next: NotificationSettings) => {
    setDraft(next);
    action.run(async () => {
      if (next.enabled) await requestNotificationPermission();
      setDraft(await telemetry().setNotificationSettings(next));
    });
  };
  return (
    <section className="card notification-settings" aria-label="Notifications">
      <h2>Notifications</h2>
      <label className="check">
        <input
          type="checkbox"
          checked={draft.enabled}
          onChange={(e) => save({ ...draft, enabled: e.target.checked })}
        />
        Notify me when a warning or critical incident fires (once per incident)
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={draft.quietHours !== null}
          onChange={(e) => save({ ...draft, quietHours: e.target.checked ? DEFAULT_QUIET : null })}
        />
        Quiet hours
      </label>
      {draft.quietHours && (
        <div className="field-row">
          <label>
            from{' '}
            <input
              type="time"
              value={draft.quietHours.from}
              onChange={(e) =>
                e.target.value && save({ ...draft, quietHours: { ...draft.quietHours!, from: e.target.value } })
              }
            />
          </label>
          <label>
            to{' '}
            <input
              type="time"
              value={draft.quietHours.to}
              onChange={(e) =>
                e.target.value && save({ ...draft, quietHours: { ...draft.quietHours!, to: e.target.value } })
              }
            />
          </label>
        </div>
      )}
      {action.error !== undefined && <ErrorBanner error={action.error} />}
    </section>
  );
}
