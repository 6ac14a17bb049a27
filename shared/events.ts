/**
 * Events the storage host pushes to the panel unasked, as typed channels: one payload type per
 * event name, and one subscription function (`on(name, listener)`) that every transport offers the
 * same way (Electron's preload, the browser preview's EventSource, the host client in Node). A new
 * event is one entry in PanelEvents and PANEL_EVENTS; no transport changes.
 */

export interface ExportProgress {
  done: number;
  total: number;
}

/** Event name -> payload. */
export interface PanelEvents {
  'export-progress': ExportProgress;
}

export type PanelEventName = keyof PanelEvents;

export const PANEL_EVENTS = ['export-progress'] as const satisfies readonly PanelEventName[];

/** One event as it travels: its name and payload. */
export type PanelEvent = { [E in PanelEventName]: { name: E; payload: PanelEvents[E] } }[PanelEventName];

export type Listener<E extends PanelEventName> = (payload: PanelEvents[E]) => void;

/** Subscribes to one event; returns the function that unsubscribes. */
export type Subscribe = <E extends PanelEventName>(name: E, listener: Listener<E>) => () => void;

export function isPanelEventName(name: unknown): name is PanelEventName {
  return typeof name === 'string' && (PANEL_EVENTS as readonly string[]).includes(name);
}

/**
 * Listeners by event name, for a transport to fan its incoming events out to. `onFirst` and
 * `onLast` tell it when an event name gains its first listener and loses its last one (the
 * preview opens its EventSource only while someone listens).
 */
export class EventHub {
  private readonly listeners = new Map<PanelEventName, Set<(payload: unknown) => void>>();

  constructor(
    private readonly hooks: { onFirst?: (name: PanelEventName) => void; onLast?: (name: PanelEventName) => void } = {},
  ) {}

  readonly on: Subscribe = (name, listener) => {
    const set = this.listeners.get(name) ?? new Set();
    const wrapped = listener as (payload: unknown) => void;
    set.add(wrapped);
    this.listeners.set(name, set);
    if (set.size === 1) this.hooks.onFirst?.(name);
    return () => {
      if (!set.delete(wrapped) || set.size > 0) return;
      this.listeners.delete(name);
      this.hooks.onLast?.(name);
    };
  };

  emit(event: PanelEvent): void {
    for (const listener of this.listeners.get(event.name) ?? []) listener(event.payload);
  }
}
