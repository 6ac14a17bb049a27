/** The demo history's load as a progress bar and a line of text (history written, then the fold). */
import type { DemoProgress } from '../../../shared/events.ts';
import { progressText } from '../hooks/use-demo-load.ts';

export function DemoProgressBar({ progress }: { progress: DemoProgress | null }) {
  return (
    <div className="demo-progress" role="status">
      <progress
        aria-label="Loading demo history"
        max={progress?.total ?? 1}
        value={progress === null ? undefined : progress.done}
      />
      <span>{progressText(progress)}</span>
    </div>
  );
}
