import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { formatVnDateTime } from '../ui/format.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import type { Me } from '../api/types.js';
import { GrantLabel } from '../ui/AccountMenu.js';
import { formatDate } from '../ui/format.js';
import { activeGrants, isDeskOfficer, RequireAuth } from '../ui/session.js';
import { usePageTitle } from '../ui/usePageTitle.js';

/** Roles that read complaints (complaint.read): their leaders' inbox of complaints and suggestions. */
const COMPLAINT_READERS = new Set(['unit_head', 'agency_leader', 'supervisor', 'system_admin']);

export default function WorkspacePage() {
  const { t } = useTranslation();
  usePageTitle(t('workspace.title'));
  return <RequireAuth>{(me) => <Workspace me={me} />}</RequireAuth>;
}

function Workspace({ me }: { me: Me }) {
  const { t } = useTranslation();
  const grants = activeGrants(me);
  return (
    <>
      <h1>{t('workspace.title')}</h1>
      <p className="lead">{t('workspace.hello', { name: me.account.fullName })}</p>
      <section aria-labelledby="sec-roles" className="card section">
        <h2 id="sec-roles">{t('workspace.roles')}</h2>
        {grants.length === 0 ? (
          <p>
            {t('workspace.noRoles')} <Link to="/ca-nhan">{t('account.profile')}</Link>
          </p>
        ) : (
          <ul className="item-list">
            {grants.map((g) => (
              <li key={g.id}>
                <span>
                  <strong>
                    <GrantLabel grant={g} />
                  </strong>
                  <span className="cell-note">
                    {g.agencyName} ({g.agencyCode}) ·{' '}
                    {g.validTo
                      ? t('workspace.validRange', { from: formatDate(g.validFrom), to: formatDate(g.validTo) })
                      : t('workspace.validFrom', { from: formatDate(g.validFrom) })}
                  </span>
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {grants.length > 0 && (
        <nav aria-labelledby="sec-inbox" className="card section">
          <h2 id="sec-inbox">{t('workspace.inbox')}</h2>
          <p>
            <Link to="/can-bo/xu-ly">{t('work.inboxLink')}</Link>
          </p>
          <p>
            <Link to="/can-bo/ket-qua">{t('results.list.link')}</Link>
          </p>
          {grants.some((g) => COMPLAINT_READERS.has(g.role)) && (
            <p>
              <Link to="/can-bo/phan-anh">{t('feedback.inbox.link')}</Link>
            </p>
          )}
        </nav>
      )}
      {grants.length > 0 && (
        <nav aria-labelledby="sec-reports" className="card section">
          <h2 id="sec-reports">{t('reports.title')}</h2>
          <ul className="link-list">
            <li>
              <Link to="/can-bo/cua-toi">{t('reports.mine.title')}</Link>
            </li>
            {grants.some((g) => ['unit_head', 'agency_leader', 'supervisor', 'system_admin'].includes(g.role)) && (
              <>
                <li>
                  <Link to="/can-bo/thong-ke">{t('reports.dashboard.title')}</Link>
                </li>
                <li>
                  <Link to="/can-bo/chi-so">{t('reports.indicators.title')}</Link>
                </li>
              </>
            )}
            {grants.some((g) => g.role === 'system_admin') && (
              <li>
                <Link to="/quan-tri/chi-so">{t('reports.definitions.title')}</Link>
              </li>
            )}
          </ul>
        </nav>
      )}
      {isDeskOfficer(me) && <DeskInbox />}
    </>
  );
}

/** The desk's work: online dossiers waiting to be checked, paper intake, the register. */
function DeskInbox() {
  const { t } = useTranslation();
  const list = useQuery({ queryKey: ['desk-dossiers', 'submitted'], queryFn: ({ signal }) => api.deskDossiers('submitted', signal), staleTime: 0 });
  return (
    <>
      <nav aria-label={t('desk.tools')} className="card section">
        <h2>{t('desk.tools')}</h2>
        <ul className="link-list">
          <li>
            <Link to="/can-bo/tiep-nhan">{t('intake.title')}</Link>
          </li>
          <li>
            <Link to="/can-bo/so-theo-doi">{t('registerBook.title')}</Link>
          </li>
        </ul>
      </nav>
      <section aria-labelledby="sec-waiting" className="card section">
        <h2 id="sec-waiting">{t('desk.waiting')}</h2>
        {list.isPending ? (
          <Loading />
        ) : list.isError ? (
          <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.items.length === 0 ? (
          <p>{t('desk.noneWaiting')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table-stack">
              <caption className="sr-only">{t('desk.waiting')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('dossier.code')}</th>
                  <th scope="col">{t('dossier.procedure')}</th>
                  <th scope="col">{t('dossier.applicant')}</th>
                  <th scope="col">{t('dossier.agency')}</th>
                  <th scope="col">{t('dossier.submittedAt')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((d) => (
                  <tr key={d.code}>
                    <td data-label={t('dossier.code')} className="break">
                      <Link to={`/can-bo/ho-so/${encodeURIComponent(d.code)}`}>{d.code}</Link>
                    </td>
                    <td data-label={t('dossier.procedure')}>{d.procedureName}</td>
                    <td data-label={t('dossier.applicant')}>{d.applicantName}</td>
                    <td data-label={t('dossier.agency')}>{d.agencyName}</td>
                    <td data-label={t('dossier.submittedAt')}>{formatVnDateTime(d.submittedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <AwaitingSupplement />
    </>
  );
}

/** Dossiers waiting for the applicant's missing papers (online answers come back to the waiting list by themselves). */
function AwaitingSupplement() {
  const { t } = useTranslation();
  const list = useQuery({ queryKey: ['desk-dossiers', 'supplement_requested'], queryFn: ({ signal }) => api.deskDossiers('supplement_requested', signal), staleTime: 0 });
  if (!list.data || list.data.items.length === 0) return null;
  return (
    <section aria-labelledby="sec-awaiting" className="card section">
      <h2 id="sec-awaiting">{t('desk.awaitingSupplement')}</h2>
      <ul className="link-list">
        {list.data.items.map((d) => (
          <li key={d.code}>
            <Link to={`/can-bo/ho-so/${encodeURIComponent(d.code)}`} className="break">
              {d.code}
            </Link>{' '}
            — {d.procedureName} — {d.applicantName}
          </li>
        ))}
      </ul>
    </section>
  );
}
