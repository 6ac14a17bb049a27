/**
 * Starts the storage host for a shell (Electron main, the browser preview) and answers the
 * recovery calls while the store cannot open: it starts the host, and when the store does not open it holds the
 * typed reason (StoreOpenFailure) instead of exiting, until the user chooses to move the file aside
 * and start a fresh store (damaged-store.ts), to retry, or to quit. Panel calls and events go to
 * whichever host is open; with none, a call fails with the reason the store is not open.
 */
import { z } from 'zod';
import { isPanelError, type ErrorCode, type PanelErrorPayload } from '../../shared/errors.ts';
import type { PanelEvent } from '../../shared/events.ts';
import type { CallReply } from '../../shared/panel-api.ts';
import {
  RECOVERY_ACTIONS,
  recoveryActions,
  type RecoveryAction,
  type RecoveryApi,
  type RecoveryState,
  type StoreOpenFailure,
} from '../../shared/store-recovery.ts';
import { moveStoreAside } from './damaged-store.ts';
import { StorageHostClient, type HostChannel } from './host-client.ts';
import { StoreOpenError } from './host-protocol.ts';

export interface HostSupervisorOptions {
  /** The store's file (what a move-aside renames). */
  dbPath: string;
  /** Starts one storage host process. */
  launch: () => HostChannel;
  /** The user chose to quit on the recovery screen. */
  quit: () => void;
  now?: () => number;
}

/** The recovery calls as they arrive from the window: `{ method, args }`, validated here. */
const recoveryCall = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('recoveryState'), args: z.tuple([]) }),
  z.strictObject({ method: z.literal('recover'), args: z.tuple([z.enum(RECOVERY_ACTIONS)]) }),
]);

/** A refused recovery call rejects with the wire form, as RecoveryApi's clients do (no engine needed here). */
function refusal(code: ErrorCode, message: string): PanelErrorPayload {
  return { code, message };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const NOT_OPEN: CallReply = { ok: false, error: { code: 'HOST_UNAVAILABLE', message: 'the store is not open' } };

export class HostSupervisor implements RecoveryApi {
  private readonly options: HostSupervisorOptions;
  private client: StorageHostClient | null = null;
  private failure: StoreOpenFailure | null = null;
  private readonly movedAside: string[] = [];
  private readonly openedListeners = new Set<(client: StorageHostClient) => void>();
  private readonly eventListeners = new Set<(event: PanelEvent) => void>();
  /** The start or recovery under way: one at a time. */
  private busy: Promise<unknown> | null = null;

  constructor(options: HostSupervisorOptions) {
    this.options = options;
  }

  /** The open host, if any. */
  get current(): StorageHostClient | null {
    return this.client;
  }

  /** Starts the host; resolves with the state (the failure when the store did not open). */
  start(): Promise<RecoveryState> {
    return this.exclusive(() => this.launch());
  }

  /** Calls `listener` with every host that opens (now, if one is open). */
  onOpened(listener: (client: StorageHostClient) => void): void {
    this.openedListeners.add(listener);
    if (this.client) listener(this.client);
  }

  async recoveryState(): Promise<RecoveryState> {
    return this.state();
  }

  /**
   * Carries out the user's choice; an action the failure does not offer (or any, once open) is
   * refused: the call rejects with a PanelErrorPayload, as RecoveryApi's clients do.
   */
  recover(action: RecoveryAction): Promise<RecoveryState> {
    return this.exclusive(async () => {
      const failure = this.failure;
      if (failure === null || !recoveryActions(failure.code).includes(action)) {
        throw refusal(
          'INVALID_ARGUMENT',
          `"${action}" is not offered ${failure ? `for ${failure.code}` : 'while the store is open'}`,
        );
      }
      if (action === 'quit') {
        this.options.quit();
        return this.state();
      }
      if (action === 'move-aside') this.moveAside(failure.dbPath);
      return this.launch();
    });
  }

  /** A recovery call from the window (`{ method, args }`), validated; never rejects. */
  async handleRecoveryCall(envelope: unknown): Promise<CallReply> {
    const parsed = recoveryCall.safeParse(envelope);
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: `malformed recovery call: ${z.prettifyError(parsed.error)}` },
      };
    }
    try {
      const call = parsed.data;
      const result = call.method === 'recover' ? await this.recover(call.args[0]) : await this.recoveryState();
      return { ok: true, result };
    } catch (err) {
      return { ok: false, error: isPanelError(err) ? err : refusal('INTERNAL', messageOf(err)) };
    }
  }

  /** A panel call from the window, to the open host; with none, the reason the store is not open. */
  forward(envelope: unknown): Promise<CallReply> {
    if (this.client) return this.client.forward(envelope);
    return Promise.resolve(
      this.failure ? { ok: false, error: { code: this.failure.code, message: this.failure.message } } : NOT_OPEN,
    );
  }

  /** Receives the panel events of every host this supervisor opens. */
  onEvent(listener: (event: PanelEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Closes the open host (its store first); resolves with its exit code, or null when none was open. */
  async close(): Promise<number | null> {
    await this.busy?.catch(() => undefined);
    return this.client ? this.client.close() : null;
  }

  private moveAside(dbPath: string): void {
    try {
      this.movedAside.push(...moveStoreAside(dbPath, (this.options.now ?? Date.now)()));
    } catch (err) {
      throw refusal('CANNOT_OPEN', `${dbPath} could not be moved aside: ${messageOf(err)}`);
    }
  }

  private state(): RecoveryState {
    return { failure: this.failure, movedAside: [...this.movedAside] };
  }

  private async exclusive(run: () => Promise<RecoveryState>): Promise<RecoveryState> {
    if (this.busy) throw refusal('BUSY', 'the store is being opened: wait for it');
    const running = run();
    this.busy = running;
    try {
      return await running;
    } finally {
      this.busy = null;
    }
  }

  private async launch(): Promise<RecoveryState> {
    try {
      const client = await StorageHostClient.start(this.options.launch());
      this.client = client;
      this.failure = null;
      client.onEvent((event) => {
        for (const listener of this.eventListeners) listener(event);
      });
      for (const listener of this.openedListeners) listener(client);
    } catch (err) {
      this.failure =
        err instanceof StoreOpenError
          ? err.failure
          : { code: 'HOST_UNAVAILABLE', message: messageOf(err), dbPath: this.options.dbPath };
    }
    return this.state();
  }
}
