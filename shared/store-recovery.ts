/**
 * The recovery contract: when the storage host cannot open the store, the window says why and
 * offers what can be done (move the file aside and start a fresh store, retry, or quit). These
 * calls sit beside the panel API, not in it: no store is open to answer them, so the shell (Electron
 * main, the preview server) answers them itself. `createRecoveryApi` builds the client side from a
 * transport, as createPanelApi does for the panel calls.
 */
import type { ErrorCode } from './errors.ts';
import type { CallReply } from './panel-api.ts';

/** Why the store did not open: the engine's typed code and message, and the file it is about. */
export interface StoreOpenFailure {
  code: ErrorCode;
  message: string;
  dbPath: string;
}

export const RECOVERY_ACTIONS = ['move-aside', 'retry', 'quit'] as const;

export type RecoveryAction = (typeof RECOVERY_ACTIONS)[number];

export interface RecoveryState {
  /** Why the store is not open; null when it is open and the panel can run. */
  failure: StoreOpenFailure | null;
  /** The files a move-aside renamed (kept as they were) during this run, newest last. */
  movedAside: string[];
}

/** The calls the recovery screen makes; both resolve with the state after them. */
export interface RecoveryApi {
  recoveryState(): Promise<RecoveryState>;
  recover(action: RecoveryAction): Promise<RecoveryState>;
}

export type RecoveryMethod = keyof RecoveryApi;

/** Failures of the file itself: moving it aside helps. Anything else (a lock, permissions) may pass: retry. */
const FILE_FAILURES: readonly ErrorCode[] = ['CORRUPT', 'NOT_A_STORE', 'SCHEMA_TOO_NEW'];

/** What the screen offers for a failure: move-aside for a file that cannot be used, retry for the rest; quit always. */
export function recoveryActions(code: ErrorCode): RecoveryAction[] {
  return FILE_FAILURES.includes(code) ? ['move-aside', 'quit'] : ['retry', 'quit'];
}

/** Builds the RecoveryApi over a transport; a failed call rejects with its PanelErrorPayload. */
export function createRecoveryApi(send: (method: RecoveryMethod, args: unknown[]) => Promise<CallReply>): RecoveryApi {
  const call = async (method: RecoveryMethod, args: unknown[]): Promise<RecoveryState> => {
    const reply = await send(method, args);
    if (!reply.ok) throw reply.error;
    return reply.result as RecoveryState;
  };
  return {
    recoveryState: () => call('recoveryState', []),
    recover: (action) => call('recover', [action]),
  };
}
