/** What global setup hands to the test workers, through environment variables. */
import { join } from 'node:path';

export const ENV = { root: 'TELEMETRY_E2E_ROOT', anchor: 'TELEMETRY_E2E_ANCHOR' } as const;

export type Seed = 'fixture' | 'demo';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set: run the tests with \`npm run test:e2e\``);
  return value;
}

export function e2eRoot(): string {
  return required(ENV.root);
}

export function templateDir(seed: Seed): string {
  return join(e2eRoot(), `template-${seed}`);
}

export function fixtureAnchorFromEnv(): number {
  return Number(required(ENV.anchor));
}
