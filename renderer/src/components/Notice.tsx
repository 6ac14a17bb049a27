/** Shared message blocks: an empty state that says what to do next, a readable error, and a form's failed action. */
import type { ReactNode } from 'react';
import { errorMessage, isRetryable } from '../lib/api.ts';

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

/** A call's error; "Try again" when `onRetry` is given and sending the call again may succeed. */
export function ErrorBanner({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="error-banner" role="alert">
      <span>{errorMessage(error)}</span>
      {onRetry && isRetryable(error) && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Why a form's last action failed, under the form (nothing while it has not failed); `wide` spans a grid form's columns. */
export function FormError({ error, wide = false }: { error: unknown; wide?: boolean }) {
  if (error === undefined) return null;
  return (
    <p className={wide ? 'inline-error wide' : 'inline-error'} role="alert">
      {errorMessage(error)}
    </p>
  );
}
