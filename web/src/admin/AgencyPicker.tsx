// Picks an agency by searching its name (GET /api/agencies?q=): a labelled search
// box, a polite count of matches, and the matches as buttons. The chosen code is
// submitted through a hidden input named `name`.
import { useEffect, useId, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';

export interface PickedAgency {
  code: string;
  name: string;
}

const MAX_SHOWN = 8;

export function AgencyPicker({
  name,
  label,
  value,
  onChange,
  error,
  optional,
}: {
  name: string;
  label: string;
  value: PickedAgency | null;
  onChange: (a: PickedAgency | null) => void;
  error?: string | undefined;
  optional?: boolean;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [q, setQ] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  const pick = (a: PickedAgency) => {
    onChange(a);
    setQ('');
    setDebounced('');
    inputRef.current?.focus();
  };
  const [debounced, setDebounced] = useState('');
  useEffect(() => {
    const h = window.setTimeout(() => setDebounced(q.trim()), 300);
    return () => window.clearTimeout(h);
  }, [q]);
  const search = useQuery({
    queryKey: ['agency-search', debounced],
    queryFn: ({ signal }) => api.searchAgencies(debounced, signal),
    enabled: debounced.length >= 2,
  });
  const items = search.data?.items.slice(0, MAX_SHOWN) ?? [];
  const errorId = error ? `${id}-error` : undefined;
  const chosenId = value ? `${id}-chosen` : undefined;

  let status = '';
  if (debounced.length >= 2) {
    if (search.isFetching) status = t('status.loading');
    else if (search.isError) status = t('status.error');
    else if (search.data) status = t('agencyPicker.found', { count: search.data.items.length, shown: items.length });
  }

  return (
    <div className="form-group agency-picker">
      <label htmlFor={`${id}-q`} className="label">
        {label}
        {optional && <span className="optional"> {t('form.optional')}</span>}
      </label>
      {value && (
        <p id={chosenId} className="chosen">
          {t('agencyPicker.chosen')} <strong>{value.name}</strong> ({value.code}){' '}
          <button
            type="button"
            className="link-button"
            onClick={() => {
              onChange(null);
              inputRef.current?.focus();
            }}
          >
            {t('agencyPicker.clear', { name: value.name })}
          </button>
        </p>
      )}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
      <input
        ref={inputRef}
        id={`${id}-q`}
        type="search"
        value={q}
        autoComplete="off"
        placeholder={t('agencyPicker.placeholder')}
        aria-invalid={error ? true : undefined}
        aria-describedby={[errorId, chosenId].filter(Boolean).join(' ') || undefined}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          // Enter picks the only match instead of submitting the surrounding form.
          if (e.key === 'Enter') {
            e.preventDefault();
            if (items.length === 1 && items[0]) pick({ code: items[0].code, name: items[0].name });
          }
        }}
      />
      <input type="hidden" name={name} value={value?.code ?? ''} />
      <p className="hint" role="status" aria-live="polite">
        {status}
      </p>
      {items.length > 0 && (
        <ul className="picker-results" aria-label={t('agencyPicker.results')}>
          {items.map((a) => (
            <li key={a.code}>
              <button
                type="button"
                className="picker-option"
                onClick={() => pick({ code: a.code, name: a.name })}
              >
                {a.name} <span className="muted">({a.code})</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
