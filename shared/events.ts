/**
 * Events the storage host pushes to the panel unasked, as typed channels: one payload type per
 * event name, and one subscription function (`on(name, listener)`) that every transport offers the
 * same way (Electron's preload, the browser preview's EventSource, the host client in Node). A new
 * event is one entry in PanelEvents and PANEL_EVENTS; no transport changes.
 */
import type { IncidentNotice } from './notifications.ts';

export interface ExportProgress {
  done: number;
  total: number;
}

/** Loading the demo history: ms of history written so far of `total`, then the fold of what was written. */
export interface DemoProgress {
  phase: 'samples' | 'rollups';
  done: number;
  total: number;
}

/** Event name -> payload. */
export interface PanelEvents {
  'export-progress': ExportProgress;
  /** A firing incident to notify the user of (the preview shows it; Electron's main shows it natively). */
  'incident-notification': IncidentNotice;
  /** The user clicked a native notification: the panel opens this incident. */
  'open-incident': { incidentId: number };
  'demo-progress': DemoProgress;
}

export type PanelEventName = keyof PanelEvents;

export const PANEL_EVENTS = [
  'export-progress',
  'incident-notification',
  'open-incident',
  'demo-progress',
] as const satisfies readonly PanelEventName[];

/** One event as it travels: its name and payload. */
export type PanelEvent = { [E in PanelEventName]: { name: E; payload: PanelEvents[E] } }[PanelEventName];

export type Listener<E extends PanelEventName> = (payload: PanelEvents[E]) => void;

/** Subscribes to one event; returns the function that unsubscribes. */
export type Subscribe = <E extends PanelEventName>(name: E, listener: Listener<E>) => () => void;

export function isPanelEventName(name: unknown): name is PanelEventName {
  return typeof name === 'string' && (PANEL_EVENTS as readonly string[]).includes(name);
}

/**
 * Listeners by event name, for a transport to fan its incoming events out to. `onActive` and
 * `onIdle` tell it when the hub gains its first listener and loses its last one, so a transport
 * listens to its channel (an IPC channel, an EventSource) only while someone does.
 */
export class EventHub {
  private readonly listeners = new Map<PanelEventName, Set<(payload: unknown) => void>>();
  private count = 0;

  constructor(private readonly hooks: { onActive?: () => void; onIdle?: () => void } = {}) {}

  readonly on: Subscribe = (name, listener) => {
    const set = this.listeners.get(name) ?? new Set();
    const wrapped = listener as (payload: unknown) => void;
    set.add(wrapped);
    this.listeners.set(name, set);
    if (++this.count === 1) this.hooks.onActive?.();
    return () => {
      if (!set.delete(wrapped)) return;
      if (set.size === 0) this.listeners.delete(name);
      if (--this.count === 0) this.hooks.onIdle?.();
    };
  };

  emit(event: PanelEvent): void {
    for (const listener of this.listeners.get(event.name) ?? []) listener(event.payload);
  }
}
