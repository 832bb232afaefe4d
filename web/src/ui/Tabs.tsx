// Tabs over one panel (the WAI-ARIA tabs pattern, selection follows focus): only the selected
// tab is in the Tab order; arrows, Home and End move to another tab and select it.
import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

export function Tabs<K extends string>({
  tabs,
  selected,
  onSelect,
  label,
  tabLabel,
  children,
}: {
  tabs: readonly K[];
  selected: K;
  onSelect: (tab: K) => void;
  /** the accessible name of the tab list */
  label: string;
  tabLabel: (tab: K) => string;
  /** the selected tab's panel */
  children: ReactNode;
}) {
  const id = useId();
  const buttons = useRef<Partial<Record<K, HTMLButtonElement | null>>>({});

  function onKeyDown(e: KeyboardEvent<HTMLButtonElement>) {
    const i = tabs.indexOf(selected);
    let next: K | undefined;
    if (e.key === 'ArrowRight') next = tabs[(i + 1) % tabs.length];
    else if (e.key === 'ArrowLeft') next = tabs[(i + tabs.length - 1) % tabs.length];
    else if (e.key === 'Home') next = tabs[0];
    else if (e.key === 'End') next = tabs[tabs.length - 1];
    if (!next) return;
    e.preventDefault();
    onSelect(next);
    buttons.current[next]?.focus();
  }

  return (
    <>
      <div role="tablist" aria-label={label} className="tabs">
        {tabs.map((tab) => (
          <button
            key={tab}
            ref={(el) => {
              buttons.current[tab] = el;
            }}
            type="button"
            role="tab"
            id={`${id}-tab-${tab}`}
            aria-selected={selected === tab}
            aria-controls={`${id}-panel`}
            tabIndex={selected === tab ? 0 : -1}
            className="tab"
            onClick={() => onSelect(tab)}
            onKeyDown={onKeyDown}
          >
            {tabLabel(tab)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab-${selected}`} className="tab-panel">
        {children}
      </div>
    </>
  );
}
