/** "Copy link": the page's full address, which holds the view (metric, range, filters...), to the clipboard. */
import { useState } from 'react';

type CopyState = 'idle' | 'copied' | 'failed';

const LABELS: Record<CopyState, string> = {
  idle: 'Copy link',
  copied: 'Link copied',
  failed: 'Copy failed: use the address bar',
};

export function CopyLinkButton() {
  const [state, setState] = useState<CopyState>('idle');
  const copy = () =>
    navigator.clipboard.writeText(location.href).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  return (
    <button
      type="button"
      className="button copy-link"
      onClick={() => void copy()}
      onBlur={() => setState('idle')}
      title="Copy the address of this view (metric, range, filters) to share or bookmark it"
    >
      <span aria-live="polite">{LABELS[state]}</span>
    </button>
  );
}
