/**
 * A child process that opens the store at argv[2] once and prints what happened as one JSON line:
 * `{ "opened": true }` or `{ "code", "message" }`. Lets a test open a store as another user.
 */
import { TimeSeriesStorage } from '../../storage/src/index.ts';

try {
  new TimeSeriesStorage({ dbPath: process.argv[2] ?? '' }).close();
  console.log(JSON.stringify({ opened: true }));
} catch (err) {
  const { code, message } = err as { code?: unknown; message?: unknown };
  console.log(JSON.stringify({ code, message }));
}
