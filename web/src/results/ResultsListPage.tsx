// Officers' list of signed e-results (/can-bo/ket-qua): the results issued by the agencies in
// their scope, filtered by status or found by serial / dossier code / subject id (in the URL),
// each with its PDF; heads and leaders of the issuing agency revoke a valid one with a reason.
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ActionButtons } from '../ui/ActionButtons.js';
import { FormAlert, TextAreaField } from '../ui/form.js';
import { formatDate } from '../ui/format.js';
import { ListTable, type ListColumn } from '../ui/ListTable.js';
import { RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { useUrlParams } from '../ui/paging.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { RESULT_STATUSES, resultsApi, type ResultItem } from './api.js';
import { resultErrorText } from './parts.js';

const PAGE = 20;

export default function ResultsListPage() {
  const { t } = useTranslation();
  usePageTitle(t('results.list.title'));
  return <RequireAuth>{() => <ResultsList />}</RequireAuth>;
}

function ResultsList() {
  const { t } = useTranslation();
  const id = useId();
  const { params: sp, page, update, goToPage } = useUrlParams();
  const status = sp.get('status') ?? '';
  const q = sp.get('q') ?? '';
  const [done, setDone] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ['results', status, q, page],
    queryFn: ({ signal }) => resultsApi.list({ status: status || undefined, q: q || undefined, offset: (page - 1) * PAGE }, signal),
    staleTime: 0,
    placeholderData: (prev) => prev,
  });

  const columns: ListColumn<ResultItem>[] = [
    {
      label: t('results.serial'),
      cell: (r) => (
        <>
          <Link to={`/xac-minh/${r.serial}`}>{r.serial}</Link>
          <br />
          <a href={resultsApi.pdfUrl(r.serial)} target="_blank" rel="noreferrer">
            {t('results.list.pdf')}
          </a>
        </>
      ),
    },
    { label: t('results.title'), cell: (r) => <>{r.title}<br /><span className="muted">{r.subjectName}</span></> },
    { label: t('results.list.dossier'), cell: (r) => <Link to={`/can-bo/xu-ly/${r.dossierCode}`}>{r.dossierCode}</Link> },
    { label: t('results.issuedAt'), cell: (r) => formatDate(r.issuedAt) },
    {
      label: t('results.list.status'),
      cell: (r) => (
        <>
          <strong>{t(`results.verdict.${r.verdict}`)}</strong>
          {r.statusReason && r.status === 'revoked' && <><br /><span className="muted">{r.statusReason}</span></>}
        </>
      ),
    },
    { label: t('results.list.actions'), cell: (r) => (r.canRevoke ? <RevokeAction item={r} onDone={(m) => setDone(m)} /> : <span className="muted">—</span>) },
  ];

  return (
    <>
      <p>
        <Link to="/can-bo">{t('desk.back')}</Link>
      </p>
      <h1>{t('results.list.title')}</h1>
      <p className="lead">{t('results.list.intro')}</p>
      <form
        className="filters card"
        aria-label={t('work.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          const fd = new FormData(e.currentTarget);
          update({ status: String(fd.get('status') ?? '') || undefined, q: String(fd.get('q') ?? '').trim() || undefined, trang: undefined });
        }}
      >
        <div className="form-group">
          <label htmlFor={`${id}-status`} className="label">
            {t('results.list.status')}
          </label>
          <select id={`${id}-status`} name="status" defaultValue={status} key={status}>
            <option value="">{t('work.all')}</option>
            {RESULT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`results.verdict.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="form-group">
          <label htmlFor={`${id}-q`} className="label">
            {t('results.list.search')}
          </label>
          <input id={`${id}-q`} name="q" defaultValue={q} key={q} maxLength={100} />
        </div>
        <div className="form-actions">
          <button type="submit" className="button">
            {t('results.list.filter')}
          </button>
        </div>
      </form>
      <div role="status" aria-live="polite">
        {done && <p className="alert alert-info">{done}</p>}
      </div>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <p>{t('results.list.empty')}</p>
      ) : (
        <>
          <ListTable caption={t('results.list.title')} columns={columns} rows={list.data.items} rowKey={(r) => r.serial} />
          <nav className="pagination" aria-label={t('pagination.label')}>
            {page > 1 ? (
              <button type="button" className="button button-secondary" onClick={() => goToPage(page - 1)}>
                {t('pagination.previous')}
              </button>
            ) : (
              <span />
            )}
            {list.data.hasMore ? (
              <button type="button" className="button button-secondary" onClick={() => goToPage(page + 1)}>
                {t('pagination.next')}
              </button>
            ) : (
              <span />
            )}
          </nav>
        </>
      )}
    </>
  );
}

function RevokeAction({ item, onDone }: { item: ResultItem; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <ActionButtons actions={['revoke'] as const} label={t('results.list.actionsFor', { serial: item.serial })} actionLabel={() => t('results.revoke.button')}>
      {({ id, cancel, finish }) => (
        <form
          id={id}
          className="subform form-stack"
          noValidate
          aria-labelledby={`${id}-title`}
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim().length < 3) {
              setError(t('results.revoke.reasonTooShort'));
              return;
            }
            setError(undefined);
            setBusy(true);
            resultsApi
              .revoke(item.serial, reason.trim())
              .then(async () => {
                finish();
                onDone(t('results.revoke.done', { serial: item.serial }));
                await qc.invalidateQueries({ queryKey: ['results'] });
              })
              .catch((err: unknown) => setFormError(resultErrorText(t, err)))
              .finally(() => setBusy(false));
          }}
        >
          <h4 id={`${id}-title`} className="small-heading" tabIndex={-1}>
            {t('results.revoke.button')}
          </h4>
          <p className="sr-only">{t('results.revoke.title', { serial: item.serial })}</p>
          <FormAlert message={formError} />
          <TextAreaField id={`${id}-reason`} label={t('results.revoke.reason')} hint={t('results.revoke.hint')} value={reason} onChange={setReason} error={error} rows={3} maxLength={1000} />
          <div className="form-actions">
            <button type="submit" className="button button-danger" disabled={busy}>
              {busy ? t('form.sending') : t('results.revoke.submit')}
            </button>
            <button type="button" className="button button-secondary" onClick={cancel}>
              {t('form.cancel')}
            </button>
          </div>
        </form>
      )}
    </ActionButtons>
  );
}
