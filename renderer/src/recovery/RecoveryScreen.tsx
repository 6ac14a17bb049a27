/**
 * What the window shows when the store cannot be opened: what happened (a sentence per code), the
 * file it is about and the engine's own words, and the choices that make sense for it: move the
 * file aside (kept, renamed) and start a fresh store, retry, or quit.
 */
import type { ErrorCode } from '../../../shared/errors.ts';
import { recoveryActions, type RecoveryAction, type StoreOpenFailure } from '../../../shared/store-recovery.ts';
import { ErrorBanner } from '../components/Notice.tsx';
import type { ActionState } from '../hooks/use-action.ts';

interface Explanation {
  title: string;
  text: string;
}

const EXPLANATIONS: Partial<Record<ErrorCode, Explanation>> = {
  CORRUPT: {
    title: 'The telemetry store is damaged',
    text: 'SQLite found damage in the store’s file, so the app cannot use it. Moving it aside starts a fresh, empty store; the damaged file is kept, renamed and unchanged, so whatever it still holds can be recovered later.',
  },
  NOT_A_STORE: {
    title: 'The file is not a telemetry store',
    text: 'Where the store should be there is a file that is empty, not a SQLite database, or another program’s database. The app has not changed it. Moving it aside starts a fresh, empty store and keeps the file, renamed and unchanged.',
  },
  SCHEMA_TOO_NEW: {
    title: 'The store was written by a newer version of the app',
    text: 'Update the app to open it. You can also move it aside and start a fresh store with this version; the newer store is kept, renamed and unchanged.',
  },
  STORE_LOCKED: {
    title: 'The store is in use by another process',
    text: 'Another copy of the app, the preview or the demo history tool has the store open. Close it, then retry.',
  },
  CANNOT_OPEN: {
    title: 'The store cannot be opened',
    text: 'The file or its folder cannot be opened: check that the folder exists, that it is a folder, and that you may write to it, then retry.',
  },
};

const FALLBACK: Explanation = {
  title: 'The storage process did not start',
  text: 'The store could not be opened. Retry, or quit and look at the message below.',
};

const BUTTONS: Record<RecoveryAction, { label: string; className: string }> = {
  'move-aside': { label: 'Move the file aside and start a fresh store', className: 'button primary' },
  retry: { label: 'Retry', className: 'button primary' },
  quit: { label: 'Quit', className: 'button' },
};

export function RecoveryScreen({
  failure,
  action,
  onChoose,
}: {
  failure: StoreOpenFailure;
  action: ActionState;
  onChoose: (choice: RecoveryAction) => void;
}) {
  const explanation = EXPLANATIONS[failure.code] ?? FALLBACK;
  return (
    <main className="recovery" data-testid="recovery" data-code={failure.code}>
      <section className="card" aria-labelledby="recovery-title">
        <h1 id="recovery-title">{explanation.title}</h1>
        <p>{explanation.text}</p>
        <dl className="status-grid">
          <div className="status-item wide">
            <dt>File</dt>
            <dd className="path">{failure.dbPath}</dd>
          </div>
          <div className="status-item wide">
            <dt>Reported ({failure.code})</dt>
            <dd className="path">{failure.message}</dd>
          </div>
        </dl>
        <div className="recovery-actions">
          {recoveryActions(failure.code).map((choice) => (
            <button
              key={choice}
              type="button"
              className={BUTTONS[choice].className}
              disabled={action.busy}
              onClick={() => onChoose(choice)}
            >
              {BUTTONS[choice].label}
            </button>
          ))}
        </div>
        {action.error !== undefined && <ErrorBanner error={action.error} />}
      </section>
    </main>
  );
}
