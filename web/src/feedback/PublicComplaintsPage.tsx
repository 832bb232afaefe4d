// The public list of answered complaints and suggestions whose complainant agreed to publish
// the answer (no personal data): filtered by agency and procedure, paginated, filters in the URL.
import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { AgencyPicker, type PickedAgency } from '../admin/AgencyPicker.js';
import { api } from '../api/client.js';
import { formatVnDateTime } from '../ui/format.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { Pager, useUrlParams } from '../ui/paging.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { TextField } from '../ui/form.js';
import { feedbackApi, type PublicComplaint } from './api.js';
import { MetaEntry, PlainText } from './parts.js';

const PROCEDURE_CODE = /^[0-9A-Z.-]{3,40}$/;

export default function PublicComplaintsPage() {
  const { t } = useTranslation();
  usePageTitle(t('feedback.public.title'));
  const { params: sp, page, update, goToPage } = useUrlParams();
  const agency = sp.get('agency') ?? undefined;
  const procedure = sp.get('procedure') ?? undefined;
  const list = useQuery({
    queryKey: ['complaints-public', agency ?? '', procedure ?? '', page],
    queryFn: ({ signal }) => feedbackApi.publicComplaints({ agency, procedure, page }, signal),
    placeholderData: (prev) => prev,
  });

  return (
    <>
      <h1>{t('feedback.public.title')}</h1>
      <p className="lead">{t('feedback.public.intro')}</p>
      <p>
        <Link to="/phan-anh-kien-nghi/gui" className="button">
          {t('feedback.public.file')}
        </Link>
      </p>
      <Filters key={sp.toString()} agency={agency} procedure={procedure} onApply={update} />
      <p className="result-count" aria-live="polite">
        {list.data ? t('feedback.public.count', { count: list.data.total }) : ''}
      </p>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <p>{t('feedback.public.none')}</p>
      ) : (
        <ul className="results">
          {list.data.items.map((c) => (
            <PublicItem key={c.code} c={c} />
          ))}
        </ul>
      )}
      <Pager page={page} total={list.data?.total ?? 0} pageSize={list.data?.pageSize ?? 20} onPage={goToPage} />
    </>
  );
}

function PublicItem({ c }: { c: PublicComplaint }) {
  const { t } = useTranslation();
  const answeredAt = c.answer.at;
  return (
    <li className="card result">
      <h2 className="result-title break">
        <Link to={`/phan-anh-kien-nghi/${encodeURIComponent(c.code)}`}>{c.title}</Link>
      </h2>
      <dl className="meta">
        <MetaEntry term={t('feedback.filed.code')} className="break">
          {c.code}
        </MetaEntry>
        {c.agency && <MetaEntry term={t('feedback.filed.agency')}>{c.agency.name}</MetaEntry>}
        {c.category && <MetaEntry term={t('feedback.form.category')}>{t(`feedback.category.${c.category}`, { defaultValue: c.category })}</MetaEntry>}
        {answeredAt && <MetaEntry term={t('feedback.public.answeredAt')}>{formatVnDateTime(answeredAt)}</MetaEntry>}
      </dl>
      {c.answer && (
        <div className="complaint-answer">
          <p className="small-heading">{t('feedback.status.answerTitle')}</p>
          <PlainText text={c.answer.text} className="clamp" />
        </div>
      )}
    </li>
  );
}

function Filters({ agency, procedure, onApply }: { agency: string | undefined; procedure: string | undefined; onApply: (v: Record<string, string | undefined>) => void }) {
  const { t } = useTranslation();
  const [picked, setPicked] = useState<PickedAgency | null>(agency ? { code: agency, name: agency } : null);
  // the URL names the agency by code: show its name once known
  const named = useQuery({ queryKey: ['agency', agency ?? ''], queryFn: ({ signal }) => api.agency(agency!, signal), enabled: !!agency });
  useEffect(() => {
    if (named.data) setPicked((p) => (p && p.code === named.data.code ? { code: p.code, name: named.data.name } : p));
  }, [named.data]);
  const [error, setError] = useState<string | undefined>();

  function apply(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const code = String(new FormData(e.currentTarget).get('procedure') ?? '').trim().toUpperCase();
    if (code && !PROCEDURE_CODE.test(code)) {
      setError(t('feedback.form.procedureCodeInvalid'));
      const form = e.currentTarget;
      window.setTimeout(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
      return;
    }
    setError(undefined);
    onApply({ agency: picked?.code, procedure: code || undefined, trang: undefined });
  }

  return (
    <form className="filters card" onSubmit={apply} aria-label={t('feedback.public.filters')} noValidate>
      <AgencyPicker name="agency" label={t('feedback.filed.agency')} value={picked} onChange={setPicked} optional />
      <TextField name="procedure" type="text" label={t('feedback.form.procedureCode')} defaultValue={procedure ?? ''} optional error={error} hint={t('feedback.form.procedureCodeHint')} autoComplete="off" />
      <div className="form-actions">
        <button type="submit" className="button">
          {t('work.applyFilters')}
        </button>
        {(agency || procedure) && (
          <button type="button" className="button button-secondary" onClick={() => onApply({ agency: undefined, procedure: undefined, trang: undefined })}>
            {t('work.clearFilters')}
          </button>
        )}
      </div>
    </form>
  );
}
