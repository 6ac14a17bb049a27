/**
 * Browser storage for the panel's own choices (the last view, the demo switch): read and written
 * by key, failing quietly where storage is unavailable (a private window), as a choice that is not
 * remembered is no error.
 */
import { useEffect, useState } from 'react';

export function readStored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeStored(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Not remembered: the choice still applies for this session.
  }
}

/** A boolean choice kept under `key` across sessions. */
export function useStoredFlag(key: string, initial: boolean): [boolean, (value: boolean) => void] {
  const [value, setValue] = useState(() => {
    const stored = readStored(key);
    return stored === null ? initial : stored === 'true';
  });
  useEffect(() => writeStored(key, String(value)), [key, value]);
  return [value, setValue];
}
