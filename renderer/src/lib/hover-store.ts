/**
 * The time under the pointer, shared by charts side by side (the overview's one crosshair): a tiny
 * store each chart subscribes to, so a pointer move re-renders the charts' overlays only, never
 * the cards around them.
 */
export interface HoverStore {
  get: () => number | null;
  set: (t: number | null) => void;
  subscribe: (onChange: () => void) => () => void;
}

export function createHoverStore(): HoverStore {
  let current: number | null = null;
  const listeners = new Set<() => void>();
  return {
    get: () => current,
    set: (t) => {
      if (t === current) return;
      current = t;
      for (const listener of listeners) listener();
    },
    subscribe: (onChange) => {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
  };
}
