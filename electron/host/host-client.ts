/**
 * The one client of the storage host, used by Electron main and by the preview server alike. It
 * speaks host-protocol.ts over a HostChannel (child_process.fork under Node; main.ts adapts
 * Electron's utilityProcess), matches replies to requests, fans out the host's events, forwards
 * the renderer's calls (panel methods only) and shuts the host down cleanly.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MetricSample } from '../../storage/src/index.ts';
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
import { createPanelApi, isPanelMethod, type CallReply, type PanelApi } from '../../shared/panel-api.ts';

/** A running host process seen from its parent. */
export interface HostChannel {
  post(request: HostRequest): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

const SHUTDOWN_TIMEOUT_MS = 15_000;

function hostUnavailable(message: string): PanelErrorPayload {
  return { code: 'HOST_UNAVAILABLE', message };
}

export class StorageHostClient {
  /** The panel API, called through the host (rejects with a PanelErrorPayload). */
  readonly panel: PanelApi;
  private readonly channel: HostChannel;
  private readonly pending = new Map<number, (reply: HostReply) => void>();
  private readonly eventForwarders = new Set<(event: PanelEvent) => void>();
  private readonly revealListeners = new Set<(path: string) => void>();
  /** Settles with the exit code once the host process has exited. */
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;
  private nextId = 1;

  private constructor(channel: HostChannel) {
    this.channel = channel;
    this.panel = createPanelApi((method, args) => this.request(method, args));
    this.exited = new Promise((resolve) => channel.onExit(resolve));
    void this.exited.then((code) => this.failPending(code));
    channel.onMessage((message) => this.receive(message));
  }

  /** Waits for the host to open its store; rejects with a StoreOpenError (the typed reason) when it cannot. */
  static start(channel: HostChannel): Promise<StorageHostClient> {
    const client = new StorageHostClient(channel);
    return new Promise((resolve, reject) => {
      channel.onMessage((message) => {
        if (!isHostEvent(message)) return;
        if (message.event === 'ready') resolve(client);
        if (message.event === 'fatal') reject(new StoreOpenError({ ...message.error, dbPath: message.dbPath }));
      });
      void client.exited.then((code) => reject(new Error(`storage host exited during start-up (code ${code})`)));
    });
  }

  /** Sends one request; never rejects (a dead host answers HOST_UNAVAILABLE). */
  request(method: string, args: unknown[]): Promise<HostReply> {
    const id = this.nextId++;
    if (this.exitCode !== undefined) {
      return Promise.resolve({ id, ok: false, error: hostUnavailable('the storage host has exited') });
    }
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.channel.post({ id, method, args });
    });
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

  private receive(message: unknown): void {
    if (isHostReply(message)) {
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
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
    for (const [id, resolve] of this.pending) {
      resolve({ id, ok: false, error: hostUnavailable(`the storage host exited (code ${code})`) });
    }
    this.pending.clear();
  }
}

/** The host's entry next to this module: the TypeScript source under tsx, the bundle in dist/. */
function hostEntry(): { path: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const path = fileURLToPath(new URL(fromSource ? './storage-host.ts' : './storage-host.cjs', import.meta.url));
  return { path, execArgv: fromSource ? ['--import', 'tsx'] : [] };
}

/** Starts the storage host as a Node child process for the given data folder. */
export function forkNodeHost(dataDir: string): HostChannel {
  const entry = hostEntry();
  const child = fork(entry.path, ['--data-dir', dataDir], {
    execArgv: entry.execArgv,
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    // With a callback, a send to a host that has just died reports here instead of throwing;
    // the request itself is answered HOST_UNAVAILABLE when the exit arrives.
    post: (request) => child.send(request, (err) => err && console.error('[host-client] send failed:', err.message)),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.on('exit', (code) => listener(code)),
    kill: () => child.kill('SIGKILL'),
  };
}
