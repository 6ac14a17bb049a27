/**
 * Which metrics the overview shows: all of them, or only those pinned. The choice is this
 * window's preference, kept in localStorage (a stored value that cannot be read counts as none).
 */
import { readStored, writeStored } from '../hooks/use-stored-state.ts';

export type OverviewMode = 'all' | 'pinned';

export interface OverviewPrefs {
  mode: OverviewMode;
  pinned: string[];
}

const STORAGE_KEY = 'telemetry.overview';
const DEFAULT_PREFS: OverviewPrefs = { mode: 'all', pinned: [] };

function isPrefs(value: unknown): value is OverviewPrefs {
  if (typeof value !== 'object' || value === null) return false;
  const { mode, pinned } = value as Record<string, unknown>;
  return (mode === 'all' || mode === 'pinned') && Array.isArray(pinned) && pinned.every((p) => typeof p === 'string');
}

export function loadOverviewPrefs(): OverviewPrefs {
  try {
    const parsed: unknown = JSON.parse(readStored(STORAGE_KEY) ?? 'null');
    return isPrefs(parsed) ? parsed : DEFAULT_PREFS;
  } catch {
    return DEFAULT_PREFS;
  }
}

export function saveOverviewPrefs(prefs: OverviewPrefs): void {
  writeStored(STORAGE_KEY, JSON.stringify(prefs));
}

export function togglePinned(prefs: OverviewPrefs, metric: string): OverviewPrefs {
  const pinned = prefs.pinned.includes(metric) ? prefs.pinned.filter((p) => p !== metric) : [...prefs.pinned, metric];
  return { ...prefs, pinned };
}
