/**
 * The panel's sections as real tabs (WAI-ARIA tabs pattern): a tablist whose selected tab is the
 * one Tab stop, arrow keys (Home, End) move to and open the next section, and a tabpanel labelled
 * by its tab. Also the skip link that takes keyboard users past the top bar to the content.
 */
import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import { rovingTarget } from '../lib/roving-focus.ts';

export interface SectionTab<Id extends string> {
  id: Id;
  label: string;
}

const tabId = (id: string) => `tab-${id}`;
const panelId = (id: string) => `panel-${id}`;

/** The element the skip link moves focus to. */
export const MAIN_CONTENT_ID = 'main';

interface TabsProps<Id extends string> {
  tabs: readonly SectionTab<Id>[];
  selected: Id;
  onSelect: (id: Id) => void;
}

export function SectionTabs<Id extends string>({ tabs, selected, onSelect }: TabsProps<Id>) {
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (event: KeyboardEvent, index: number) => {
    const target = rovingTarget(event.key, index, tabs.length, 'horizontal');
    if (target === null) return;
    event.preventDefault();
    onSelect(tabs[target]!.id);
    buttons.current[target]?.focus();
  };
  return (
    <nav className="tabs" aria-label="Sections">
      <div role="tablist" aria-label="Sections" className="tablist">
        {tabs.map((t, index) => (
          <button
            key={t.id}
            ref={(element) => {
              buttons.current[index] = element;
            }}
            type="button"
            role="tab"
            id={tabId(t.id)}
            className="tab"
            aria-selected={t.id === selected}
            aria-controls={panelId(t.id)}
            tabIndex={t.id === selected ? 0 : -1}
            onClick={() => onSelect(t.id)}
            onKeyDown={(event) => onKeyDown(event, index)}
          >
            {t.label}
          </button>
        ))}
      </div>
    </nav>
  );
}

/** The selected section's content, labelled by its tab. */
export function SectionPanel({ id, children }: { id: string; children: ReactNode }) {
  return (
    <div role="tabpanel" id={panelId(id)} aria-labelledby={tabId(id)} className="section-panel">
      {children}
    </div>
  );
}

/**
 * First in the page, shown only while focused. It moves focus itself rather than following its
 * `#main` (the address's hash holds the view).
 */
export function SkipLink() {
  return (
    <a
      className="skip-link"
      href={`#${MAIN_CONTENT_ID}`}
      onClick={(event) => {
        event.preventDefault();
        document.getElementById(MAIN_CONTENT_ID)?.focus();
      }}
    >
      Skip to content
    </a>
  );
}
