/**
 * The storage host's message protocol, shared by the host and its client:
 * `{ id, method, args }` -> `{ id, ok, result | error: { code, message } }`, plus events the host
 * sends unasked (ready, a fatal start-up error, a file to reveal, and the panel's own events). The
 * same messages travel over child_process IPC (Node) and a utilityProcess port (Electron).
 */
import type { MetricSample } from '../../storage/src/index.ts';
import type { PanelErrorPayload } from '../../shared/errors.ts';
import type { PanelEvent } from '../../shared/events.ts';
import type { StoreOpenFailure } from '../../shared/store-recovery.ts';

/** Calls only the process that owns the host (Electron main, the preview server) may make. */
export interface HostApi {
  /** Samples measured outside the host (main and renderer processes), written through the sink. */
  recordSamples(samples: MetricSample[]): Promise<number>;
  /** Stops the jobs, closes the store cleanly, then the host exits. */
  shutdown(): Promise<void>;
}

export type HostMethod = keyof HostApi;

export interface HostRequest {
  id: number;
  method: string;
  args: unknown[];
}

export type HostReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: PanelErrorPayload };

export type HostEvent =
  | { event: 'ready' }
  /** The store could not be opened: the typed reason and the database file it is about. */
  | { event: 'fatal'; error: PanelErrorPayload; dbPath: string }
  | { event: 'panel'; panelEvent: PanelEvent }
  | { event: 'reveal'; path: string };

export type HostMessage = HostReply | HostEvent;

export function isHostReply(message: unknown): message is HostReply {
  const m = message as Partial<HostReply> | null;
  return typeof m === 'object' && m !== null && typeof m.id === 'number' && typeof m.ok === 'boolean';
}

export function isHostEvent(message: unknown): message is HostEvent {
  const m = message as Partial<HostEvent> | null;
  return typeof m === 'object' && m !== null && typeof m.event === 'string';
}

/** The host could not open its store (its `fatal` event): StorageHostClient.start rejects with it. */
export class StoreOpenError extends Error {
  readonly failure: StoreOpenFailure;

  constructor(failure: StoreOpenFailure) {
    super(`storage host failed to start: ${failure.message}`);
    this.name = 'StoreOpenError';
    this.failure = failure;
  }
}
