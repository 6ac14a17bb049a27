/** Follows the system's light/dark preference (the CSS does the same with a media query). */
import { useSyncExternalStore } from 'react';
import type { ColorScheme } from '../lib/palette.ts';

const query = window.matchMedia('(prefers-color-scheme: dark)');

function subscribe(onChange: () => void): () => void {
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

export function useColorScheme(): ColorScheme {
  return useSyncExternalStore(subscribe, () => (query.matches ? 'dark' : 'light'));
}
