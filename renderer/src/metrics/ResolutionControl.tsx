/** The resolution in use, and a manual override (choices too fine for the range are disabled). */
import type { Resolution } from '../../../shared/panel-api.ts';
import { RESOLUTION_CHOICES, isChoiceDrawable, type ResolutionChoice } from '../lib/resolution.ts';

interface Props {
  choice: ResolutionChoice;
  inUse: Resolution | null;
  spanMs: number;
  plotWidth: number;
  onChoice: (choice: ResolutionChoice) => void;
}

export function ResolutionControl({ choice, inUse, spanMs, plotWidth, onChoice }: Props) {
  return (
    <div className="resolution">
      <span className="resolution-label" data-testid="resolution-label" data-resolution={inUse ?? ''}>
        {inUse === null
          ? 'No data'
          : `${inUse === 'raw' ? 'Raw samples' : `${inUse} rollup`}${choice === 'auto' ? ' · auto' : ''}`}
      </span>
      <label>
        <span className="visually-hidden">Resolution</span>
        <select value={choice} onChange={(e) => onChoice(e.target.value as ResolutionChoice)} aria-label="Resolution">
          {RESOLUTION_CHOICES.map((c) => (
            <option key={c} value={c} disabled={!isChoiceDrawable(c, spanMs, plotWidth)}>
              {c === 'auto' ? 'Auto' : c}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
