/** The alert rules: each with its condition in words, and buttons to edit, pause or resume, and delete it. */
import type { AlertRule, Unit } from '../../../shared/panel-api.ts';
import { ruleCondition } from './incident-format.ts';

interface Props {
  rules: AlertRule[];
  units: Map<string, Unit>;
  busy: boolean;
  onEdit: (rule: AlertRule) => void;
  onToggle: (rule: AlertRule) => void;
  onDelete: (rule: AlertRule) => void;
}

export function RuleList({ rules, units, busy, onEdit, onToggle, onDelete }: Props) {
  if (rules.length === 0)
    return <p className="muted">No rules yet: add one to be told when a metric crosses a threshold.</p>;
  return (
    <ul className="rule-list">
      {rules.map((rule) => (
        <li key={rule.id} data-testid="rule-row" className={rule.enabled === false ? 'paused' : undefined}>
          <span className={`badge severity-${rule.severity}`}>{rule.severity}</span>
          <strong>{rule.name}</strong>
          <span className="mono muted">{ruleCondition(rule, units.get(rule.metricName) ?? 'none')}</span>
          {rule.enabled === false && <span className="muted">paused</span>}
          <span className="rule-buttons">
            <button type="button" className="button small" disabled={busy} onClick={() => onEdit(rule)}>
              Edit
            </button>
            <button type="button" className="button small" disabled={busy} onClick={() => onToggle(rule)}>
              {rule.enabled === false ? 'Resume' : 'Pause'}
            </button>
            <button
              type="button"
              className="button small danger"
              disabled={busy}
              onClick={() => onDelete(rule)}
              aria-label={`Delete ${rule.name}`}
            >
              Delete
            </button>
          </span>
        </li>
      ))}
    </ul>
  );
}
