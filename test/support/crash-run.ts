/**
 * The crash tests' parent side: runs the crash writer on a database until it has reported a first
 * batch, SIGKILLs it a given delay later, and resolves with the batches it reported as stored.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WRITER = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));

/** How the writer maintains its store: the rollup job run over and over beside ingest, or the store's own. */
export type CrashMaintenance = 'explicit' | 'automatic';

export function runAndKill(
  dbPath: string,
  first: number,
  compression: boolean,
  delayMs: number,
  maintenance: CrashMaintenance = 'explicit',
): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', WRITER, dbPath, String(first), String(compression), maintenance],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const reported: number[] = [];
    let buffered = '';
    let stderr = '';
    let armed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) if (line.startsWith('ok ')) reported.push(Number(line.slice(3)));
      if (!armed && reported.length > 0) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(reported);
      else reject(new Error(`writer exited by itself: ${stderr}`));
    });
  });
}
