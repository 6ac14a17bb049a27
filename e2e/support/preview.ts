/**
 * Starts the real browser preview (`npm run preview`) on a free port for one data dir, reads the
 * URL with its token from stdout, and stops it again (the whole process group it started).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

const URL_LINE = /Telemetry panel: (http:\/\/\S+)/;
const START_TIMEOUT_MS = 60_000;

export interface Preview {
  url: string;
  dataDir: string;
  stop: () => Promise<void>;
}

export async function startPreview(dataDir: string): Promise<Preview> {
  const child = spawn('npm', ['run', 'preview', '--', '--data-dir', dataDir, '--port', '0'], {
    cwd: process.cwd(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the preview did not start within ${START_TIMEOUT_MS} ms:\n${output}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = URL_LINE.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the preview exited with ${String(code)} before it was ready:\n${output}`));
    });
  });
  return { url, dataDir, stop: () => stopGroup(child) };
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  process.kill(-child.pid, 'SIGTERM');
  await exited;
}
