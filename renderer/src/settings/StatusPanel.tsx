/**
 * The store at a glance: size on disk, samples, series, time span and the last background runs,
 * then the problems the store noticed and could not fix on its own (nothing when there are none).
 */
import type { ReactNode } from 'react';
import type { Status, StoreProblem } from '../../../shared/panel-api.ts';
import { formatBytes, formatCount, formatDateTime } from '../lib/format.ts';

function When({ ms }: { ms: number | null }) {
  return ms === null ? '–' : <time dateTime={new Date(ms).toISOString()}>{formatDateTime(ms)}</time>;
}

const PROBLEM_KINDS: Record<StoreProblem['kind'], string> = {
  'job-failed': 'A background job failed',
  quarantined: 'Data set aside',
  'chunk-corrupt': 'Damaged data',
  'wal-growing': 'The write-ahead log keeps growing',
  'deletion-pending': 'Deletion not finished',
};

function Problems({ problems }: { problems: StoreProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <div className="status-problems" role="alert" aria-labelledby="problems-title">
      <h3 id="problems-title">Problems</h3>
      <ul data-testid="store-problems">
        {problems.map((problem) => (
          <li key={`${problem.kind}:${problem.subject}`} data-kind={problem.kind}>
            <strong>{PROBLEM_KINDS[problem.kind]}</strong>
            {problem.subject !== '' && <span className="mono"> ({problem.subject})</span>}: {problem.message}
            <span className="muted">
              {' '}
              since <When ms={problem.since} />
              {problem.count > 1 && `, seen ${formatCount(problem.count)} times`}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function StatusPanel({ status, dataDir }: { status: Status; dataDir: string | undefined }) {
  const rows: [string, ReactNode][] = [
    ['Database size', `${formatBytes(status.dbBytes + status.walBytes)} (WAL ${formatBytes(status.walBytes)})`],
    ['Samples', formatCount(status.samples)],
    ['Series', formatCount(status.series)],
    ['Oldest sample', <When ms={status.oldest} />],
    ['Newest sample', <When ms={status.newest} />],
    ['Last rollup', <When ms={status.lastRollup} />],
    ['Last retention run', <When ms={status.lastRetention} />],
  ];
  return (
    <>
      <dl className="status-grid" data-testid="status">
        {rows.map(([term, value]) => (
          <div key={term} className="status-item" data-status={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
        {dataDir !== undefined && (
          <div className="status-item wide">
            <dt>Data folder</dt>
            <dd className="path">{dataDir}</dd>
          </div>
        )}
      </dl>
      <Problems problems={status.problems} />
    </>
  );
}
