// A row of action buttons, each opening its form below the row (one at a time, the first button
// the primary one). Cancelling closes the form and returns focus to its button.
import { Fragment, useId, useRef, useState, type ReactNode } from 'react';

/** What the form of the opened action gets: its element id (the button's aria-controls) and how to close. */
export interface OpenAction<A extends string> {
  action: A;
  id: string;
  /** closes the form and puts focus back on its button */
  cancel: () => void;
  /** closes the form after it has done its work */
  finish: () => void;
}

export function ActionButtons<A extends string>({
  actions,
  label,
  actionLabel,
  children,
}: {
  actions: readonly A[];
  /** the accessible name of the group of buttons */
  label: string;
  actionLabel: (action: A) => string;
  /** the form of the opened action (a new one each time an action is opened) */
  children: (open: OpenAction<A>) => ReactNode;
}) {
  const id = useId();
  const [open, setOpen] = useState<A | null>(null);
  const buttons = useRef<Partial<Record<A, HTMLButtonElement | null>>>({});
  const cancel = () => {
    const was = open;
    setOpen(null);
    if (was) window.setTimeout(() => buttons.current[was]?.focus(), 0);
  };
  return (
    <div className="task-actions">
      <div className="form-actions" role="group" aria-label={label}>
        {actions.map((a) => (
          <button
            key={a}
            ref={(el) => {
              buttons.current[a] = el;
            }}
            type="button"
            className={a === actions[0] ? 'button' : 'button button-secondary'}
            aria-expanded={open === a}
            aria-controls={open === a ? `${id}-form` : undefined}
            onClick={() => setOpen(open === a ? null : a)}
          >
            {actionLabel(a)}
          </button>
        ))}
      </div>
      {open && <Fragment key={open}>{children({ action: open, id: `${id}-form`, cancel, finish: () => setOpen(null) })}</Fragment>}
    </div>
  );
}
