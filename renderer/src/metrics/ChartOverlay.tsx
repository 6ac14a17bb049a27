/**
 * The interactive layer over the chart's plot area: a crosshair with a tooltip on hover, drag to
 * select a window to zoom into, a plain click, and alert markers as buttons. The hovered time is
 * held by the parent, so charts side by side can share one crosshair; the tooltip shows only on
 * the chart under the pointer. Plain HTML, so hovering re-renders only this layer, never the SVG.
 */
import { useState, type PointerEvent } from 'react';
import type { Alert } from '../../../shared/panel-api.ts';
import { formatDateTime } from '../lib/format.ts';
import { severityColor, swatchBackground, type ColorScheme } from '../lib/palette.ts';
import { formatLabels, nearestRow, type ChartSeries } from '../lib/series.ts';
import type { PlotBox } from './chart-geometry.ts';

interface Props {
  box: PlotBox;
  start: number;
  end: number;
  series: ChartSeries[];
  /** Formats a value as the legend does (unit, "/s" for a rate). */
  format: (value: number) => string;
  scheme: ColorScheme;
  alerts: Alert[];
  /** The time under the pointer, on this chart or a linked one. */
  hoverT: number | null;
  onHover: (t: number | null) => void;
  onZoom: (start: number, end: number) => void;
  onDragChange: (dragging: boolean) => void;
  onAlertOpen: (alert: Alert) => void;
  /** A click without a drag. */
  onClick?: () => void;
}

const DRAG_THRESHOLD_PX = 4;
const HOVER_REACH_PX = 12;
const TOOLTIP_WIDTH_PX = 280;

export function ChartOverlay({
  box,
  start,
  end,
  series,
  format,
  scheme,
  alerts,
  hoverT,
  onHover,
  onZoom,
  onDragChange,
  onAlertOpen,
  onClick,
}: Props) {
  const [inside, setInside] = useState(false);
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const msPerPx = (end - start) / Math.max(box.width, 1);
  const timeAt = (x: number): number => start + x * msPerPx;
  const xOf = (t: number): number => (t - start) / msPerPx;
  const hoverX = hoverT === null || hoverT < start || hoverT > end ? null : xOf(hoverT);
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
    else onClick?.();
  };

  const hits =
    hoverX === null || hoverT === null || dragFrom !== null
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
      onPointerMove={(event) => {
        setInside(true);
        onHover(timeAt(localX(event)));
      }}
      onPointerUp={onPointerUp}
      onPointerLeave={() => {
        setInside(false);
        onHover(null);
      }}
    >
      {dragFrom !== null && hoverX !== null && (
        <div
          className="chart-selection"
          style={{ left: Math.min(dragFrom, hoverX), width: Math.abs(hoverX - dragFrom) }}
        />
      )}
      {hoverX !== null && shownT !== null && (
        <div className="chart-crosshair" data-testid="crosshair" data-t={shownT} style={{ left: xOf(shownT) }} />
      )}
      {inside && hits.length > 0 && shownT !== null && (
        <>
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
                <span className="swatch" style={{ background: swatchBackground(scheme, s.colorIndex, s.dash) }} />
                <span className="chart-tooltip-name">{s.name}</span>
                <span className="chart-tooltip-value">{format(row.avg ?? NaN)}</span>
                {row.band !== null && row.band[0] !== row.band[1] && (
                  <span className="chart-tooltip-range">
                    {format(row.band[0])} – {format(row.band[1])}
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
          tabIndex={-1}
          aria-label={`${alert.severity} alert at ${formatDateTime(alert.timestamp)}: ${alert.metricName} ${formatLabels(alert.labels)} value ${format(alert.value)}, threshold ${format(alert.threshold)}`}
          title={`${alert.severity}: ${format(alert.value)} vs threshold ${format(alert.threshold)}${alert.message ? ` — ${alert.message}` : ''}`}
          data-testid="alert-marker"
          onPointerDown={(event) => event.stopPropagation()}
          onClick={() => onAlertOpen(alert)}
        />
      ))}
    </div>
  );
}
