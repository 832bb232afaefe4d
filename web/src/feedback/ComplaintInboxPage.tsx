// The complaint inbox of unit heads and leaders (and supervisors, read only): the complaints and
// suggestions of the agencies in their scope — never one about themselves — filtered by status
// (kept in the URL), paginated, each with its status and its due state in words.
import { useId } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.js';
import { formatVnDateTime } from '../ui/format.js';
import { RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { COMPLAINT_STATUSES, feedbackApi, type WorkComplaintItem } from './api.js';
import { ComplaintDueBadge, ComplaintStatusBadge, feedbackErrorText, Pager } from './parts.js';

export default function ComplaintInboxPage() {
  const { t } = useTranslation();
  usePageTitle(t('feedback.inbox.title'));
  return <RequireAuth>{() => <Inbox />}</RequireAuth>;
}

function Inbox() {
  const { t } = useTranslation();
  const id = useId();
  const [sp, setSp] = useSearchParams();
  const status = sp.get('status') ?? '';
  const page = Math.max(1, Number.parseInt(sp.get('trang') ?? '1', 10) || 1);
  const list = useQuery({
    queryKey: ['work', 'complaints', status, page],
    queryFn: ({ signal }) => feedbackApi.workComplaints({ status: status || undefined, page }, signal),
    staleTime: 0,
    placeholderData: (prev) => prev,
  });

  function update(next: Record<string, string | undefined>) {
    const n = new URLSearchParams(sp);
    for (const [k, v] of Object.entries(next)) {
      if (v) n.set(k, v);
      else n.delete(k);
    }
    setSp(n);
  }

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
      <Pager page={page} total={list.data?.total ?? 0} pageSize={list.data?.pageSize ?? 20} onPage={(p) => update({ trang: p > 1 ? String(p) : undefined })} />
    </>
  );
}

function Table({ items }: { items: WorkComplaintItem[] }) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap">
      <table className="table-stack work-table">
        <caption className="sr-only">{t('feedback.inbox.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('feedback.filed.code')}</th>
            <th scope="col">{t('feedback.form.titleField')}</th>
            <th scope="col">{t('feedback.form.subject')}</th>
            <th scope="col">{t('feedback.filed.agency')}</th>
            <th scope="col">{t('feedback.status.filedAt')}</th>
            <th scope="col">{t('feedback.inbox.due')}</th>
            <th scope="col">{t('feedback.status.state')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.code}>
              <td data-label={t('feedback.filed.code')} className="break">
                <Link to={`/can-bo/phan-anh/${encodeURIComponent(c.code)}`}>{c.code}</Link>
              </td>
              <td data-label={t('feedback.form.titleField')} className="break">
                {c.title}
                <span className="cell-note">{t(`feedback.kind.${c.kind}`, { defaultValue: c.kind })}</span>
              </td>
              <td data-label={t('feedback.form.subject')}>
                {t(`feedback.subject.${c.subject}`, { defaultValue: c.subject })}
                <span className="cell-note">{t(`feedback.category.${c.category}`, { defaultValue: c.category })}</span>
              </td>
              <td data-label={t('feedback.filed.agency')}>{c.agency.name}</td>
              <td data-label={t('feedback.status.filedAt')} className="nowrap">
                {formatVnDateTime(c.filedAt)}
              </td>
              <td data-label={t('feedback.inbox.due')}>
                {c.status === 'received' ? (
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
                )}
              </td>
              <td data-label={t('feedback.status.state')}>
                <span className="badges">
                  <ComplaintStatusBadge status={c.status} />
                  <ComplaintDueBadge late={c.late} status={c.status} acceptDueAt={c.acceptDueAt} answerDueAt={c.answerDueAt} />
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
