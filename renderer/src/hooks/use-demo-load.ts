/**
 * Loading the demo history with its progress: runs loadDemoHistory while listening to the host's
 * demo-progress events (history written, then the fold), for the first-run banner and Settings.
 */
import { useCallback, useState } from 'react';
import type { DemoProgress } from '../../../shared/events.ts';
import { telemetry } from '../lib/api.ts';
import { useAction } from './use-action.ts';

export interface DemoLoad {
  busy: boolean;
  error: unknown;
  /** The last progress reported while loading; null before the first. */
  progress: DemoProgress | null;
  /** Loads the demo history, then calls `onLoaded`. */
  start: (onLoaded: () => void) => void;
}

export function progressText(progress: DemoProgress | null): string {
  if (progress === null) return 'Starting…';
  if (progress.phase === 'rollups') return 'Folding it into rollups…';
  return `Writing demo history… ${Math.floor((100 * progress.done) / progress.total)} %`;
}

export function useDemoLoad(): DemoLoad {
  const action = useAction();
  const [progress, setProgress] = useState<DemoProgress | null>(null);
  const { run } = action;

  const start = useCallback(
    (onLoaded: () => void) =>
      run(async () => {
        setProgress(null);
        const unsubscribe = telemetry().on('demo-progress', setProgress);
        try {
          await telemetry().loadDemoHistory();
        } finally {
          unsubscribe();
        }
        onLoaded();
      }),
    [run],
  );
  return { busy: action.busy, error: action.error, progress, start };
}
