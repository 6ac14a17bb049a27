/**
 * The OTLP receiver's lifecycle in the storage host: it follows the ingest settings (on when
 * enabled, restarted on another port, off when disabled; token and kept resource attributes are
 * read at each change), reports each request to the status board, and announces its address
 * (`OTLP receiver: http://127.0.0.1:PORT/v1/metrics`, on a line of its own, which `npm start` and
 * `npm run preview` show). A port it cannot listen on is the source's last error, not a host
 * failure. Changes are applied one at a time; close() stops it and waits for the requests it took.
 */
import type { IngestSettings } from '../../../shared/ingest.ts';
import type { IngestConfig } from '../ingest-settings.ts';
import { OTLP_SOURCE, type IngestStatusBoard } from '../ingest-status.ts';
import { OtlpReceiver, type OtlpExportResult, type OtlpRequestSettings, type OtlpStore } from './receiver.ts';

export interface OtlpServiceOptions {
  store: OtlpStore;
  config: IngestConfig;
  board: IngestStatusBoard;
  /** Where the address line goes (console.log in the host). */
  announce?: (line: string) => void;
}

export interface OtlpService {
  /** Resolves once the settings in effect now are applied. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

function requestSettings(settings: IngestSettings): OtlpRequestSettings {
  return {
    ...(settings.otlp.token ? { token: settings.otlp.token } : {}),
    resourceAttributes: settings.resourceAttributes ?? [],
  };
}

export function startOtlpService(options: OtlpServiceOptions): OtlpService {
  const { config, board } = options;
  const announce = options.announce ?? ((line: string) => console.log(line));
  let current = requestSettings(config.settings());
  let receiver: OtlpReceiver | null = null;
  let listeningOn: number | null = null;
  let closed = false;
  let applying: Promise<void> = Promise.resolve();

  const report = (result: OtlpExportResult): void => {
    if (result.accepted > 0) board.accepted(OTLP_SOURCE, result.accepted);
    if (result.error !== null) board.rejected(OTLP_SOURCE, result.rejected, result.error);
  };

  const stopReceiver = async (): Promise<void> => {
    const running = receiver;
    receiver = null;
    listeningOn = null;
    board.setOtlpAddress(null);
    await running?.stop();
  };

  const apply = async (): Promise<void> => {
    const settings = config.settings();
    current = requestSettings(settings);
    const wanted = !closed && settings.otlp.enabled ? settings.otlp.port : null;
    if (wanted === listeningOn && receiver) return;
    await stopReceiver();
    if (wanted === null) return;
    const next = new OtlpReceiver({ store: options.store, settings: () => current, onResult: report });
    try {
      const address = await next.start(wanted);
      receiver = next;
      listeningOn = wanted;
      board.setOtlpAddress(address);
      announce(`OTLP receiver: ${address}`);
    } catch (err) {
      board.rejected(OTLP_SOURCE, 0, `cannot listen on 127.0.0.1:${wanted}: ${(err as Error).message}`);
    }
  };

  const schedule = (): Promise<void> => {
    applying = applying.then(apply);
    return applying;
  };
  const unsubscribe = config.onChange(() => void schedule());
  void schedule();

  return {
    settled: () => applying,
    close: async () => {
      closed = true;
      unsubscribe();
      await schedule();
    },
  };
}
