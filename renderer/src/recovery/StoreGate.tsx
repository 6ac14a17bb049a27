/**
 * Asks the shell whether the store is open before the panel mounts: when it is, the panel runs
 * (with a note naming the files a move-aside kept, if one just happened); when it is not, the
 * recovery screen shows why and carries out the user's choice; after "Quit", a last word.
 */
import { useCallback, useState, type ReactNode } from 'react';
import type { RecoveryAction, RecoveryState } from '../../../shared/store-recovery.ts';
import { ErrorBanner } from '../components/Notice.tsx';
import { useAction } from '../hooks/use-action.ts';
import { useAsync } from '../hooks/use-async.ts';
import { telemetry } from '../lib/api.ts';
import { RecoveryScreen } from './RecoveryScreen.tsx';

function MovedAsideNote({ paths }: { paths: string[] }) {
  if (paths.length === 0) return null;
  return (
    <div className="recovery-note" role="status">
      A fresh store was started. The previous file was kept, unchanged, as{' '}
      {paths.map((path) => (
        <code key={path} className="path">
          {path}
        </code>
      ))}
    </div>
  );
}

export function StoreGate({ children }: { children: ReactNode }) {
  const initial = useAsync(useCallback(() => telemetry().recovery.recoveryState(), []));
  const [chosen, setChosen] = useState<RecoveryState | undefined>(undefined);
  const [quit, setQuit] = useState(false);
  const action = useAction();

  const choose = (choice: RecoveryAction) =>
    action.run(async () => {
      const next = await telemetry().recovery.recover(choice);
      if (choice === 'quit') setQuit(true);
      else setChosen(next);
    });

  const state = chosen ?? initial.data;
  if (quit) {
    return (
      <main className="recovery">
        <p role="status">The app has stopped. You can close this window.</p>
      </main>
    );
  }
  if (state === undefined) {
    return initial.error !== undefined ? <ErrorBanner error={initial.error} onRetry={initial.reload} /> : null;
  }
  if (state.failure !== null) return <RecoveryScreen failure={state.failure} action={action} onChoose={choose} />;
  return (
    <>
      <MovedAsideNote paths={state.movedAside} />
      {children}
    </>
  );
}
