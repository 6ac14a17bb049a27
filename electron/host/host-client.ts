/**
 * The one client of the storage host, used by Electron main and by the preview server alike. It
 * speaks host-protocol.ts over a HostChannel (child_process.fork under Node; main.ts adapts
 * Electron's utilityProcess), matches replies to requests, fans out the host's events, forwards
 * the renderer's calls (panel methods only) and shuts the host down cleanly. No call waits
 * forever: each has a deadline (CALL_DEADLINES) after which it fails with TIMEOUT, and a call
 * whose arguments cannot even be sent fails with INVALID_ARGUMENT; either way its entry is gone.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hostArgs, type ShellFlags } from './data-dir.ts';
import type { MetricSample } from '../../storage/src/index.ts';
import { MINUTE_MS, SECOND_MS } from '../../shared/constants.ts';
import {
  StoreOpenError,
  isHostEvent,
  isHostReply,
  type HostEvent,
  type HostMethod,
  type HostReply,
  type HostRequest,
} from './host-protocol.ts';
import type { PanelErrorPayload } from '../../shared/errors.ts';
import type { PanelEvent } from '../../shared/events.ts';
import {
  createPanelApi,
  isPanelMethod,
  type CallReply,
  type PanelApi,
  type PanelMethod,
} from '../../shared/panel-api.ts';

/** A running host process seen from its parent. */
export interface HostChannel {
  /** The host's process id, where the channel knows it (a Node child process). */
  readonly pid?: number;
  post(request: HostRequest): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

const SHUTDOWN_TIMEOUT_MS = 15_000;

/** How long a call may wait for its answer, in ms: `default`, or its method's own entry. */
export type CallDeadlines = { default: number } & Partial<Record<PanelMethod | HostMethod, number>>;

/**
 * A minute for any call (a query or a status answers in milliseconds, even behind a running job,
 * since jobs hand the event loop back between short steps); half an hour for the calls whose work
 * grows with the store: an export, loading or removing the demo history, and a retention change
 * (it runs retention, possibly after a job that is already running).
 */
export const CALL_DEADLINES: CallDeadlines = {
  default: MINUTE_MS,
  exportParquet: 30 * MINUTE_MS,
  loadDemoHistory: 30 * MINUTE_MS,
  removeDemoHistory: 30 * MINUTE_MS,
  setRetentionDays: 30 * MINUTE_MS,
};

function hostUnavailable(message: string): PanelErrorPayload {
  return { code: 'HOST_UNAVAILABLE', message };
}

function failed(id: number, error: PanelErrorPayload): HostReply {
  return { id, ok: false, error };
}

export class StorageHostClient {
  /** The panel API, called through the host (rejects with a PanelErrorPayload). */
  readonly panel: PanelApi;
  private readonly channel: HostChannel;
  private readonly deadlines: CallDeadlines;
  private readonly pending = new Map<number, (reply: HostReply) => void>();
  private readonly eventForwarders = new Set<(event: PanelEvent) => void>();
  private readonly revealListeners = new Set<(path: string) => void>();
  /** Settles with the exit code once the host process has exited. */
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;
  private nextId = 1;

  private constructor(channel: HostChannel, deadlines: CallDeadlines) {
    this.channel = channel;
    this.deadlines = deadlines;
    this.panel = createPanelApi((method, args) => this.request(method, args));
    this.exited = new Promise((resolve) => channel.onExit(resolve));
    void this.exited.then((code) => this.failPending(code));
    channel.onMessage((message) => this.receive(message));
  }

  /** Waits for the host to open its store; rejects with a StoreOpenError (the typed reason) when it cannot. */
  static start(channel: HostChannel, deadlines = CALL_DEADLINES): Promise<StorageHostClient> {
    const client = new StorageHostClient(channel, deadlines);
    return new Promise((resolve, reject) => {
      channel.onMessage((message) => {
        if (!isHostEvent(message)) return;
        if (message.event === 'ready') resolve(client);
        if (message.event === 'fatal') reject(new StoreOpenError({ ...message.error, dbPath: message.dbPath }));
      });
      void client.exited.then((code) => reject(new Error(`storage host exited during start-up (code ${code})`)));
    });
  }

  /**
   * Sends one request; never rejects: a dead host answers HOST_UNAVAILABLE, a host that does not
   * answer by the method's deadline TIMEOUT (a later answer is ignored), and arguments that cannot
   * be serialised (nested too deeply, for one) INVALID_ARGUMENT.
   */
  request(method: string, args: unknown[]): Promise<HostReply> {
    const id = this.nextId++;
    if (this.exitCode !== undefined) {
      return Promise.resolve(failed(id, hostUnavailable('the storage host has exited')));
    }
    return new Promise((resolve) => {
      const deadlineMs = this.deadlineOf(method);
      const timer = setTimeout(() => {
        const message = `${method} got no answer from the storage host within ${deadlineMs / SECOND_MS} s`;
        this.settle(failed(id, { code: 'TIMEOUT', message }));
      }, deadlineMs);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      try {
        this.channel.post({ id, method, args });
      } catch (err) {
        const message = `${method}: its arguments cannot be sent to the storage host (${(err as Error).message})`;
        this.settle(failed(id, { code: 'INVALID_ARGUMENT', message }));
      }
    });
  }

  /** Calls sent and not answered yet (each is answered or fails by its deadline). */
  get pendingCalls(): number {
    return this.pending.size;
  }

  /** Forwards a call from the renderer: `{ method, args }` with a panel method only. */
  async forward(envelope: unknown): Promise<CallReply> {
    const { method, args } = (envelope ?? {}) as { method?: unknown; args?: unknown };
    if (!isPanelMethod(method) || !Array.isArray(args)) {
      return {
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: 'a call is { method, args } with a panel method' },
      };
    }
    const reply = await this.request(method, args);
    return reply.ok ? { ok: true, result: reply.result } : { ok: false, error: reply.error };
  }

  async recordSamples(samples: MetricSample[]): Promise<number> {
    return (await this.callHost('recordSamples', [samples])) as number;
  }

  /** Receives every panel event as it travels (the transports forward them to the window). */
  onEvent(listener: (event: PanelEvent) => void): () => void {
    this.eventForwarders.add(listener);
    return () => this.eventForwarders.delete(listener);
  }

  onReveal(listener: (path: string) => void): () => void {
    this.revealListeners.add(listener);
    return () => this.revealListeners.delete(listener);
  }

  /** Asks the host to close the store and exit; kills it if it has not exited in time. */
  async close(timeoutMs = SHUTDOWN_TIMEOUT_MS): Promise<number | null> {
    if (this.exitCode !== undefined) return this.exitCode;
    const timer = setTimeout(() => this.channel.kill(), timeoutMs);
    await this.request('shutdown', []);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  private async callHost(method: HostMethod, args: unknown[]): Promise<unknown> {
    const reply = await this.request(method, args);
    if (!reply.ok) throw reply.error;
    return reply.result;
  }

  private deadlineOf(method: string): number {
    const own = Object.hasOwn(this.deadlines, method) ? this.deadlines[method as keyof CallDeadlines] : undefined;
    return own ?? this.deadlines.default;
  }

  /** Answers a pending call once: its reply, its deadline or the host's exit, whichever comes first. */
  private settle(reply: HostReply): void {
    const resolve = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    resolve?.(reply);
  }

  private receive(message: unknown): void {
    if (isHostReply(message)) {
      this.settle(message);
    } else if (isHostEvent(message)) {
      this.dispatchEvent(message);
    }
  }

  private dispatchEvent(event: HostEvent): void {
    if (event.event === 'panel') {
      for (const listener of this.eventForwarders) listener(event.panelEvent);
    }
    if (event.event === 'reveal') for (const listener of this.revealListeners) listener(event.path);
  }

  private failPending(code: number | null): void {
    this.exitCode = code;
    for (const id of [...this.pending.keys()]) {
      this.settle(failed(id, hostUnavailable(`the storage host exited (code ${code})`)));
    }
  }
}

/** The host's entry next to this module: the TypeScript source under tsx, the bundle in dist/. */
function hostEntry(): { path: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const path = fileURLToPath(new URL(fromSource ? './storage-host.ts' : './storage-host.cjs', import.meta.url));
  return { path, execArgv: fromSource ? ['--import', 'tsx'] : [] };
}

/** Starts the storage host as a Node child process for the given data folder (and this run's OTLP flag). */
export function forkNodeHost(dataDir: string, flags: Pick<ShellFlags, 'otlp'> = {}): HostChannel {
  const entry = hostEntry();
  const child = fork(entry.path, hostArgs(dataDir, flags), {
    execArgv: entry.execArgv,
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    pid: child.pid,
    // With a callback, a send to a host that has just died reports here instead of throwing;
    // the request itself is answered HOST_UNAVAILABLE when the exit arrives.
    post: (request) => child.send(request, (err) => err && console.error('[host-client] send failed:', err.message)),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.on('exit', (code) => listener(code)),
    kill: () => child.kill('SIGKILL'),
  };
}
