/** The store at a glance: size on disk, samples, series, time span and the last background runs. */
import type { ReactNode } from 'react';
import type { Status } from '../../../shared/panel-api.ts';
import { formatBytes, formatCount, formatDateTime } from '../lib/format.ts';

function When({ ms }: { ms: number | null }) {
  return ms === null ? '–' : <time dateTime={new Date(ms).toISOString()}>{formatDateTime(ms)}</time>;
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
  );
}
