// The officer's processing inbox: "my work" (tasks assigned to me) and "my units' work" (open
// tasks of my agencies that my role acts on), filtered by procedure, step, channel and due
// state (kept in the URL), sorted by the server (late → due within a working day → on time,
// online priority first), paginated. A table on wide screens, stacked cards on phones.
import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import type { Me, WorkInboxItem, WorkInboxParams } from '../api/types.js';
import { formatVnDateTime } from '../ui/format.js';
import { RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { PriorityMarker, UrgencyBadge, stepLabel } from './workParts.js';

const PAGE_SIZE = 20;
const VIEWS = ['mine', 'unit'] as const;
type View = (typeof VIEWS)[number];
const STEPS = ['examine', 'examine/consult', 'verify', 'approve', 'issue', 'return'];
const CHANNELS = ['online', 'in_person', 'post'];
const URGENCIES = ['late', 'due_soon', 'on_time'];
const PROCEDURE_CODE = /^[0-9A-Z.-]{3,40}$/;

export default function InboxPage() {
  const { t } = useTranslation();
  usePageTitle(t('work.inboxTitle'));
  return <RequireAuth>{(me) => <Inbox me={me} />}</RequireAuth>;
}

function Inbox({ me }: { me: Me }) {
  const { t } = useTranslation();
  const id = useId();
  const [params, setParams] = useSearchParams();
  const view: View = params.get('view') === 'unit' ? 'unit' : 'mine';
  const page = Math.max(1, Number.parseInt(params.get('trang') ?? '1', 10) || 1);
  const filter: WorkInboxParams = {
    view,
    procedure: params.get('procedure') ?? undefined,
    step: params.get('step') ?? undefined,
    channel: params.get('channel') ?? undefined,
    urgency: params.get('urgency') ?? undefined,
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  };
  const list = useQuery({
    queryKey: ['work', 'inbox', filter],
    queryFn: ({ signal }) => api.workInbox(filter, signal),
    staleTime: 0,
    placeholderData: (prev) => prev,
  });
  const tabRefs = useRef<Record<View, HTMLButtonElement | null>>({ mine: null, unit: null });

  function update(next: Record<string, string | undefined>) {
    const sp = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v) sp.set(k, v);
      else sp.delete(k);
    }
    setParams(sp);
  }

  function selectView(v: View, focus = false) {
    update({ view: v === 'mine' ? undefined : v, trang: undefined });
    if (focus) tabRefs.current[v]?.focus();
  }

  function onTabKey(e: KeyboardEvent<HTMLButtonElement>) {
    const i = VIEWS.indexOf(view);
    let next: View | undefined;
    if (e.key === 'ArrowRight') next = VIEWS[(i + 1) % VIEWS.length];
    else if (e.key === 'ArrowLeft') next = VIEWS[(i + VIEWS.length - 1) % VIEWS.length];
    else if (e.key === 'Home') next = VIEWS[0];
    else if (e.key === 'End') next = VIEWS[VIEWS.length - 1];
    if (!next) return;
    e.preventDefault();
    selectView(next, true);
  }

  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  return (
    <>
      <p>
        <Link to="/can-bo">{t('desk.back')}</Link>
      </p>
      <h1>{t('work.inboxTitle')}</h1>
      <p className="lead">{t('work.inboxIntro', { name: me.account.fullName })}</p>
      <div role="tablist" aria-label={t('work.tabsLabel')} className="tabs">
        {VIEWS.map((v) => (
          <button
            key={v}
            ref={(el) => {
              tabRefs.current[v] = el;
            }}
            type="button"
            role="tab"
            id={`${id}-tab-${v}`}
            aria-selected={view === v}
            aria-controls={`${id}-panel`}
            tabIndex={view === v ? 0 : -1}
            className="tab"
            onClick={() => selectView(v)}
            onKeyDown={onTabKey}
          >
            {t(`work.view.${v}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab-${view}`} className="tab-panel">
        <Filters key={params.toString()} params={params} onApply={update} steps={[...new Set([...STEPS, ...(list.data?.items.map((i) => i.step) ?? [])])]} />
        <p className="result-count" aria-live="polite">
          {list.data ? t('work.count', { count: total }) : ''}
        </p>
        {list.isPending ? (
          <Loading />
        ) : list.isError ? (
          <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.items.length === 0 ? (
          <p>{view === 'mine' ? t('work.noneMine') : t('work.noneUnit')}</p>
        ) : (
          <InboxTable items={list.data.items} caption={t(`work.view.${view}`)} />
        )}
        {pages > 1 && (
          <nav className="pagination" aria-label={t('pagination.label')}>
            {page > 1 ? (
              <button type="button" className="button button-secondary" onClick={() => update({ trang: page - 1 > 1 ? String(page - 1) : undefined })}>
                {t('pagination.previous')}
              </button>
            ) : (
              <span />
            )}
            <span>{t('pagination.pageOf', { page, pages })}</span>
            {page < pages ? (
              <button type="button" className="button button-secondary" onClick={() => update({ trang: String(page + 1) })}>
                {t('pagination.next')}
              </button>
            ) : (
              <span />
            )}
          </nav>
        )}
      </div>
    </>
  );
}

function Filters({ params, onApply, steps }: { params: URLSearchParams; onApply: (v: Record<string, string | undefined>) => void; steps: string[] }) {
  const { t } = useTranslation();
  const id = useId();
  const [procedure, setProcedure] = useState(params.get('procedure') ?? '');
  const [step, setStep] = useState(params.get('step') ?? '');
  const [channel, setChannel] = useState(params.get('channel') ?? '');
  const [urgency, setUrgency] = useState(params.get('urgency') ?? '');
  const [error, setError] = useState<string | null>(null);
  const anySet = ['procedure', 'step', 'channel', 'urgency'].some((k) => params.get(k));

  function apply(e: React.FormEvent) {
    e.preventDefault();
    const code = procedure.trim().toUpperCase();
    if (code && !PROCEDURE_CODE.test(code)) {
      setError(t('work.procedureCodeInvalid'));
      document.getElementById(`${id}-procedure`)?.focus();
      return;
    }
    setError(null);
    onApply({ procedure: code || undefined, step: step || undefined, channel: channel || undefined, urgency: urgency || undefined, trang: undefined });
  }

  return (
    <form className="filters card" onSubmit={apply} aria-label={t('work.filters')}>
      <div className="form-group">
        <label htmlFor={`${id}-procedure`} className="label">
          {t('work.filterProcedure')}
        </label>
        <p id={`${id}-procedure-hint`} className="hint">
          {t('work.filterProcedureHint')}
        </p>
        {error && (
          <p id={`${id}-procedure-err`} className="field-error">
            {error}
          </p>
        )}
        <input
          id={`${id}-procedure`}
          type="text"
          value={procedure}
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={[error ? `${id}-procedure-err` : '', `${id}-procedure-hint`].filter(Boolean).join(' ')}
          onChange={(e) => setProcedure(e.target.value)}
        />
      </div>
      <div className="form-group">
        <label htmlFor={`${id}-step`} className="label">
          {t('work.filterStep')}
        </label>
        <select id={`${id}-step`} value={step} onChange={(e) => setStep(e.target.value)}>
          <option value="">{t('work.all')}</option>
          {steps.map((s) => (
            <option key={s} value={s}>
              {stepLabel(t, s)}
            </option>
          ))}
        </select>
      </div>
      <div className="form-group">
        <label htmlFor={`${id}-channel`} className="label">
          {t('dossier.channel')}
        </label>
        <select id={`${id}-channel`} value={channel} onChange={(e) => setChannel(e.target.value)}>
          <option value="">{t('work.all')}</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {t(`channel.${c}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="form-group">
        <label htmlFor={`${id}-urgency`} className="label">
          {t('work.filterUrgency')}
        </label>
        <select id={`${id}-urgency`} value={urgency} onChange={(e) => setUrgency(e.target.value)}>
          <option value="">{t('work.all')}</option>
          {URGENCIES.map((u) => (
            <option key={u} value={u}>
              {t(`work.urgency.${u}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="form-actions">
        <button type="submit" className="button">
          {t('work.applyFilters')}
        </button>
        {anySet && (
          <button type="button" className="button button-secondary" onClick={() => onApply({ procedure: undefined, step: undefined, channel: undefined, urgency: undefined, trang: undefined })}>
            {t('work.clearFilters')}
          </button>
        )}
      </div>
    </form>
  );
}

function InboxTable({ items, caption }: { items: WorkInboxItem[]; caption: string }) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap">
      <table className="table-stack work-table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('dossier.code')}</th>
            <th scope="col">{t('dossier.procedure')}</th>
            <th scope="col">{t('dossier.applicant')}</th>
            <th scope="col">{t('work.step')}</th>
            <th scope="col">{t('work.agency')}</th>
            <th scope="col">{t('work.assignee')}</th>
            <th scope="col">{t('work.dueAt')}</th>
            <th scope="col">{t('work.state')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.taskId}>
              <td data-label={t('dossier.code')} className="break">
                <Link to={`/can-bo/xu-ly/${encodeURIComponent(i.code)}`}>{i.code}</Link>
              </td>
              <td data-label={t('dossier.procedure')}>
                {i.procedureName}
                <span className="cell-note">{i.procedureCode}</span>
              </td>
              <td data-label={t('dossier.applicant')}>{i.applicantName}</td>
              <td data-label={t('work.step')}>
                {stepLabel(t, i.step, i.kind)}
                {i.kind !== 'step' && <span className="cell-note">{t(`work.kind.${i.kind}`)}</span>}
              </td>
              <td data-label={t('work.agency')}>{i.agencyName}</td>
              <td data-label={t('work.assignee')}>{i.assigneeName ?? <span className="muted">{t('work.unassigned')}</span>}</td>
              <td data-label={t('work.dueAt')} className="nowrap">
                {i.dueAt ? formatVnDateTime(i.dueAt) : '—'}
              </td>
              <td data-label={t('work.state')}>
                <span className="badges">
                  <UrgencyBadge urgency={i.urgency} />
                  {i.onlinePriority && <PriorityMarker />}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
