// The complaint inbox of unit heads and leaders (and supervisors, read only): the complaints and
// suggestions of the agencies in their scope — never one about themselves — filtered by status
// (kept in the URL), paginated, each with its status and its due state in words.
import { useId } from 'react';
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.js';
import { formatVnDateTime } from '../ui/format.js';
import { ListTable, type ListColumn } from '../ui/ListTable.js';
import { RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { Pager, useUrlParams } from '../ui/paging.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { COMPLAINT_STATUSES, feedbackApi, type WorkComplaintItem } from './api.js';
import { ComplaintDueBadge, ComplaintStatusBadge, feedbackErrorText } from './parts.js';

export default function ComplaintInboxPage() {
  const { t } = useTranslation();
  usePageTitle(t('feedback.inbox.title'));
  return <RequireAuth>{() => <Inbox />}</RequireAuth>;
}

function Inbox() {
  const { t } = useTranslation();
  const id = useId();
  const { params: sp, page, update, goToPage } = useUrlParams();
  const status = sp.get('status') ?? '';
  const list = useQuery({
    queryKey: ['work', 'complaints', status, page],
    queryFn: ({ signal }) => feedbackApi.workComplaints({ status: status || undefined, page }, signal),
    staleTime: 0,
    placeholderData: (prev) => prev,
  });

  return (
    <>
      <p>
        <Link to="/can-bo">{t('desk.back')}</Link>
      </p>
      <h1>{t('feedback.inbox.title')}</h1>
      <p className="lead">{t('feedback.inbox.intro')}</p>
      <form
        className="filters card"
        aria-label={t('work.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          const v = String(new FormData(e.currentTarget).get('status') ?? '');
          update({ status: v || undefined, trang: undefined });
        }}
      >
        <div className="form-group">
          <label htmlFor={`${id}-status`} className="label">
            {t('feedback.status.state')}
          </label>
          <select id={`${id}-status`} name="status" defaultValue={status} key={status}>
            <option value="">{t('work.all')}</option>
            {COMPLAINT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`feedback.state.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="form-actions">
          <button type="submit" className="button">
            {t('work.applyFilters')}
          </button>
        </div>
      </form>
      <p className="result-count" aria-live="polite">
        {list.data ? t('feedback.inbox.count', { count: list.data.total }) : ''}
      </p>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        list.error instanceof ApiError && list.error.status === 403 ? (
          <p className="alert alert-error" role="alert">
            {feedbackErrorText(t, list.error)}
          </p>
        ) : (
          <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
        )
      ) : list.data.items.length === 0 ? (
        <p>{t('feedback.inbox.none')}</p>
      ) : (
        <Table items={list.data.items} />
      )}
      <Pager page={page} total={list.data?.total ?? 0} pageSize={list.data?.pageSize ?? 20} onPage={goToPage} />
    </>
  );
}

function Table({ items }: { items: WorkComplaintItem[] }) {
  const { t } = useTranslation();
  const columns: ListColumn<WorkComplaintItem>[] = [
    { label: t('feedback.filed.code'), className: 'break', cell: (c) => <Link to={`/can-bo/phan-anh/${encodeURIComponent(c.code)}`}>{c.code}</Link> },
    {
      label: t('feedback.form.titleField'),
      className: 'break',
      cell: (c) => (
        <>
          {c.title}
          <span className="cell-note">{t(`feedback.kind.${c.kind}`, { defaultValue: c.kind })}</span>
        </>
      ),
    },
    {
      label: t('feedback.form.subject'),
      cell: (c) => (
        <>
          {t(`feedback.subject.${c.subject}`, { defaultValue: c.subject })}
          <span className="cell-note">{t(`feedback.category.${c.category}`, { defaultValue: c.category })}</span>
        </>
      ),
    },
    { label: t('feedback.filed.agency'), cell: (c) => c.agency.name },
    { label: t('feedback.status.filedAt'), className: 'nowrap', cell: (c) => formatVnDateTime(c.filedAt) },
    {
      label: t('feedback.inbox.due'),
      cell: (c) =>
        c.status === 'received' ? (
          <>
            {formatVnDateTime(c.acceptDueAt)}
            <span className="cell-note">{t('feedback.due.accept')}</span>
          </>
        ) : c.status === 'accepted' ? (
          <>
            {formatVnDateTime(c.answerDueAt)}
            <span className="cell-note">{t('feedback.due.answer')}</span>
          </>
        ) : (
          '—'
        ),
    },
    {
      label: t('feedback.status.state'),
      cell: (c) => (
        <span className="badges">
          <ComplaintStatusBadge status={c.status} />
          <ComplaintDueBadge late={c.late} status={c.status} acceptDueAt={c.acceptDueAt} answerDueAt={c.answerDueAt} />
        </span>
      ),
    },
  ];
  return <ListTable caption={t('feedback.inbox.title')} className="work-table" columns={columns} rows={items} rowKey={(c) => c.code} />;
}
