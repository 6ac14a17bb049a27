/** "Copy link": the page's full address, which holds the view (metric, range, filters...), to the clipboard. */
import { useClipboard, type CopyState } from '../lib/use-clipboard.ts';

const LABELS: Record<CopyState, string> = {
  idle: 'Copy link',
  copied: 'Link copied',
  failed: 'Copy failed: use the address bar',
};

export function CopyLinkButton() {
  const { state, copy } = useClipboard();
  return (
    <button
      type="button"
      className="button copy-link"
      onClick={() => copy(location.href)}
      title="Copy the address of this view (metric, range, filters) to share or bookmark it"
    >
      <span aria-live="polite">{LABELS[state]}</span>
    </button>
  );
}
