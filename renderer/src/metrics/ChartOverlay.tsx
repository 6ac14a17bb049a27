/**
 * The interactive layer over the chart's plot area: a crosshair with a tooltip on hover, drag to
 * select a window to zoom into, and alert markers as buttons. Plain HTML, so hovering re-renders
 * only this layer, never the SVG underneath.
 */
import { useState, type PointerEvent } from 'react';
import type { Alert, Unit } from '../../../shared/panel-api.ts';
import { formatDateTime, formatValue } from '../lib/format.ts';
import { seriesColor, severityColor, type ColorScheme } from '../lib/palette.ts';
import { formatLabels, nearestRow, type ChartSeries } from '../lib/series.ts';
import type { PlotBox } from './chart-geometry.ts';

interface Props {
  box: PlotBox;
  start: number;
  end: number;
  series: ChartSeries[];
  unit: Unit;
  scheme: ColorScheme;
  alerts: Alert[];
  onZoom: (start: number, end: number) => void;
  onDragChange: (dragging: boolean) => void;
  onAlertOpen: (alert: Alert) => void;
}

const DRAG_THRESHOLD_PX = 4;
const HOVER_REACH_PX = 12;
const TOOLTIP_WIDTH_PX = 280;

export function ChartOverlay({
  box,
  start,
  end,
  series,
  unit,
  scheme,
  alerts,
  onZoom,
  onDragChange,
  onAlertOpen,
}: Props) {
  const [hoverX, setHoverX] = useState<number | null>(null);
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const msPerPx = (end - start) / Math.max(box.width, 1);
  const timeAt = (x: number): number => start + x * msPerPx;
  const xOf = (t: number): number => (t - start) / msPerPx;
  const localX = (event: PointerEvent<HTMLDivElement>): number =>
    Math.min(box.width, Math.max(0, event.clientX - event.currentTarget.getBoundingClientRect().left));

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    setDragFrom(localX(event));
    onDragChange(true);
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    if (dragFrom === null) return;
    const x = localX(event);
    setDragFrom(null);
    onDragChange(false);
    if (Math.abs(x - dragFrom) >= DRAG_THRESHOLD_PX) onZoom(timeAt(dragFrom), timeAt(x));
  };

  const hoverT = hoverX === null ? null : timeAt(hoverX);
  const hits =
    hoverT === null || dragFrom !== null
      ? []
      : series.flatMap((s) => {
          const row = nearestRow(s.rows, hoverT, HOVER_REACH_PX * msPerPx);
          return row === null ? [] : [{ s, row }];
        });
  const shownT = hits[0]?.row.t ?? hoverT;

  return (
    <div
      className="chart-overlay"
      style={{ left: box.left, top: box.top, width: box.width, height: box.height }}
      data-testid="chart-overlay"
      onPointerDown={onPointerDown}
      onPointerMove={(event) => setHoverX(localX(event))}
      onPointerUp={onPointerUp}
      onPointerLeave={() => setHoverX(null)}
    >
      {dragFrom !== null && hoverX !== null && (
        <div
          className="chart-selection"
          style={{ left: Math.min(dragFrom, hoverX), width: Math.abs(hoverX - dragFrom) }}
        />
      )}
      {hits.length > 0 && shownT !== null && (
        <>
          <div className="chart-crosshair" style={{ left: xOf(shownT) }} />
          <div
            className="chart-tooltip"
            role="status"
            style={{
              left:
                xOf(shownT) + 12 + TOOLTIP_WIDTH_PX > box.width
                  ? Math.max(0, xOf(shownT) - 12 - TOOLTIP_WIDTH_PX)
                  : xOf(shownT) + 12,
              width: TOOLTIP_WIDTH_PX,
            }}
          >
            <div className="chart-tooltip-time">{formatDateTime(shownT)}</div>
            {hits.map(({ s, row }) => (
              <div key={s.key} className="chart-tooltip-row">
                <span className="swatch" style={{ background: seriesColor(scheme, s.colorIndex) }} />
                <span className="chart-tooltip-name">{s.name}</span>
                <span className="chart-tooltip-value">{formatValue(row.avg ?? NaN, unit)}</span>
                {row.band !== null && row.band[0] !== row.band[1] && (
                  <span className="chart-tooltip-range">
                    {formatValue(row.band[0], unit)} – {formatValue(row.band[1], unit)}
                  </span>
                )}
              </div>
            ))}
          </div>
        </>
      )}
      {alerts.map((alert) => (
        <button
          key={alert.id}
          type="button"
          className={`alert-marker severity-${alert.severity}`}
          style={{ left: xOf(alert.timestamp), borderTopColor: severityColor(scheme, alert.severity) }}
          aria-label={`${alert.severity} alert at ${formatDateTime(alert.timestamp)}: ${alert.metricName} ${formatLabels(alert.labels)} value ${formatValue(alert.value, unit)}, threshold ${formatValue(alert.threshold, unit)}`}
          title={`${alert.severity}: ${formatValue(alert.value, unit)} vs threshold ${formatValue(alert.threshold, unit)}${alert.message ? ` — ${alert.message}` : ''}`}
          data-testid="alert-marker"
          onPointerDown={(event) => event.stopPropagation()}
          onClick={() => onAlertOpen(alert)}
        />
      ))}
    </div>
  );
}
