/** Copies a text to the clipboard and says so for a moment (or why it could not). */
import { useClipboard } from '../lib/use-clipboard.ts';

export function CopyButton({ text, label }: { text: string; label: string }) {
  const { state, copy } = useClipboard();
  return (
    <>
      <button type="button" className="button" onClick={() => copy(text)}>
        {label}
      </button>
      <span className="copy-state" role="status">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy: select the path instead' : ''}
      </span>
    </>
  );
}
