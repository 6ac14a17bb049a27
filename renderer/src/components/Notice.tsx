/** Shared message blocks: an empty state that says what to do next, and a readable error. */
import type { ReactNode } from 'react';
import { errorMessage } from '../lib/api.ts';

/** `level` 1 where the empty state is all the page shows (it then holds the page's h1). */
export function EmptyState({ title, level = 2, children }: { title: string; level?: 1 | 2; children?: ReactNode }) {
  const Heading = level === 1 ? 'h1' : 'h2';
  return (
    <div className="empty-state">
      <Heading>{title}</Heading>
      {children}
    </div>
  );
}

export function ErrorBanner({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="error-banner" role="alert">
      <span>{errorMessage(error)}</span>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
