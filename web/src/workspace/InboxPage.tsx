// The officer's processing inbox: "my work" (tasks assigned to me) and "my units' work" (open
// tasks of my agencies that my role acts on), filtered by procedure, step, channel and due
// state (kept in the URL), sorted by the server (late → due within a working day → on time,
// online priority first), paginated. A table on wide screens, stacked cards on phones.
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import type { Me, WorkInboxItem, WorkInboxParams } from '../api/types.js';
import { formatVnDateTime } from '../ui/format.js';
import { ListTable, type ListColumn } from '../ui/ListTable.js';
import { Pager, useUrlParams } from '../ui/paging.js';
import { RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { Tabs } from '../ui/Tabs.js';
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
  const { params, page, update, goToPage } = useUrlParams();
  const view: View = params.get('view') === 'unit' ? 'unit' : 'mine';
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

  function selectView(v: View) {
    update({ view: v === 'mine' ? undefined : v, trang: undefined });
  }

  const total = list.data?.total ?? 0;

  return (
    <>
      <p>
        <Link to="/can-bo">{t('desk.back')}</Link>
      </p>
      <h1>{t('work.inboxTitle')}</h1>
      <p className="lead">{t('work.inboxIntro', { name: me.account.fullName })}</p>
      <Tabs tabs={VIEWS} selected={view} onSelect={selectView} label={t('work.tabsLabel')} tabLabel={(v) => t(`work.view.${v}`)}>
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
        <Pager page={page} total={total} pageSize={PAGE_SIZE} onPage={goToPage} />
      </Tabs>
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
  const columns: ListColumn<WorkInboxItem>[] = [
    { label: t('dossier.code'), className: 'break', cell: (i) => <Link to={`/can-bo/xu-ly/${encodeURIComponent(i.code)}`}>{i.code}</Link> },
    {
      label: t('dossier.procedure'),
      cell: (i) => (
        <>
          {i.procedureName}
          <span className="cell-note">{i.procedureCode}</span>
        </>
      ),
    },
    { label: t('dossier.applicant'), cell: (i) => i.applicantName },
    {
      label: t('work.step'),
      cell: (i) => (
        <>
          {stepLabel(t, i.step, i.kind)}
          {i.kind !== 'step' && <span className="cell-note">{t(`work.kind.${i.kind}`)}</span>}
        </>
      ),
    },
    { label: t('work.agency'), cell: (i) => i.agencyName },
    { label: t('work.assignee'), cell: (i) => i.assigneeName ?? <span className="muted">{t('work.unassigned')}</span> },
    { label: t('work.dueAt'), className: 'nowrap', cell: (i) => (i.dueAt ? formatVnDateTime(i.dueAt) : '—') },
    {
      label: t('work.state'),
      cell: (i) => (
        <span className="badges">
          <UrgencyBadge urgency={i.urgency} />
          {i.onlinePriority && <PriorityMarker />}
        </span>
      ),
    },
  ];
  return <ListTable caption={caption} className="work-table" columns={columns} rows={items} rowKey={(i) => i.taskId} />;
}
