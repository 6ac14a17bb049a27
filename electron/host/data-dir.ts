/**
 * Where the app keeps its data: `~/.futurnal/telemetry/` by default, overridden by the
 * FUTURNAL_TELEMETRY_DIR environment variable, itself overridden by a `--data-dir` flag.
 * The database is `telemetry.db` in it and exports go to its `exports/` folder.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_OTLP_PORT } from '../../shared/ingest.ts';

export const DATA_DIR_ENV = 'FUTURNAL_TELEMETRY_DIR';

export interface DataPaths {
  dataDir: string;
  dbPath: string;
  exportsDir: string;
}

/** The command-line flags every entry point (Electron main, preview, demo script) understands. */
export interface ShellFlags {
  dataDir?: string;
  port?: number;
  /** `--otlp[=PORT]`: the OTLP receiver on for this run, on PORT (default 4318, 0 a free one). */
  otlp?: number;
  remove: boolean;
}

const OTLP_FLAG = '--otlp';

/** `--otlp` or `--otlp=PORT` (never `--otlp PORT`, so a bare `--otlp` never swallows the next flag). */
function otlpFlag(argv: readonly string[]): number | undefined {
  const flag = argv.findLast((arg) => arg === OTLP_FLAG || arg.startsWith(`${OTLP_FLAG}=`));
  if (flag === undefined) return undefined;
  return flag === OTLP_FLAG ? DEFAULT_OTLP_PORT : parsePort(flag.slice(OTLP_FLAG.length + 1), OTLP_FLAG);
}

export function parseShellFlags(argv: readonly string[]): ShellFlags {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== OTLP_FLAG && !arg.startsWith(`${OTLP_FLAG}=`)),
    strict: false,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      remove: { type: 'boolean' },
    },
  });
  const dataDir = values['data-dir'];
  const otlp = otlpFlag(argv);
  return {
    ...(typeof dataDir === 'string' ? { dataDir } : {}),
    ...(typeof values.port === 'string' ? { port: parsePort(values.port) } : {}),
    ...(otlp !== undefined ? { otlp } : {}),
    remove: values.remove === true,
  };
}

function parsePort(text: string, flag = '--port'): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`${flag} must be an integer from 0 to 65535, got "${text}"`);
  }
  return port;
}

export function resolveDataDir(flags: ShellFlags, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flags.dataDir ?? env[DATA_DIR_ENV];
  return resolve(chosen && chosen.length > 0 ? chosen : join(homedir(), '.futurnal', 'telemetry'));
}

/** The storage host's own arguments: the data folder, and this run's OTLP override if any. */
export function hostArgs(dataDir: string, flags: Pick<ShellFlags, 'otlp'>): string[] {
  return ['--data-dir', dataDir, ...(flags.otlp !== undefined ? [`${OTLP_FLAG}=${flags.otlp}`] : [])];
}

export function dataPaths(dataDir: string): DataPaths {
  return { dataDir, dbPath: join(dataDir, 'telemetry.db'), exportsDir: join(dataDir, 'exports') };
}

/** Creates the data and exports folders (owner-only where the platform supports modes). */
export function ensureDataDirs(paths: DataPaths): void {
  mkdirSync(paths.exportsDir, { recursive: true, mode: 0o700 });
}
