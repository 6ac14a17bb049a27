/**
 * Arrow-key movement within a group that is a single Tab stop (roving tabindex, WAI-ARIA APG):
 * which item a key moves to, wrapping at both ends; Home and End go to the first and last.
 */

export type Orientation = 'horizontal' | 'vertical';

const KEYS: Readonly<Record<Orientation, { previous: string; next: string }>> = {
  horizontal: { previous: 'ArrowLeft', next: 'ArrowRight' },
  vertical: { previous: 'ArrowUp', next: 'ArrowDown' },
};

/** The index `key` moves to from `index` among `count` items, or null when the key does not move. */
export function rovingTarget(key: string, index: number, count: number, orientation: Orientation): number | null {
  if (count === 0) return null;
  const keys = KEYS[orientation];
  if (key === keys.next) return (index + 1) % count;
  if (key === keys.previous) return (index - 1 + count) % count;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}
