/**
 * Copying a text to the clipboard from a button: the state to show ('copied' or 'failed', which
 * the browser may refuse), back to 'idle' after a moment.
 */
import { useEffect, useState } from 'react';

const SHOWN_MS = 2_000;

export type CopyState = 'idle' | 'copied' | 'failed';

export function useClipboard(): { state: CopyState; copy: (text: string) => void } {
  const [state, setState] = useState<CopyState>('idle');
  useEffect(() => {
    if (state === 'idle') return undefined;
    const timer = setTimeout(() => setState('idle'), SHOWN_MS);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = (text: string): void => {
    navigator.clipboard.writeText(text).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  };
  return { state, copy };
}
