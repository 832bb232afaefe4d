import { Link, useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import type { Group } from '../api/types.js';
import { ErrorMessage, Loading, isNotFound } from '../ui/Status.js';
import { UnverifiedNotice } from '../ui/Badges.js';
import { formatTimeLimit, localName } from '../ui/format.js';
import { LegalBasisList } from '../ui/LegalBasisList.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { useMe } from '../ui/session.js';
import { NotFoundPage } from './NotFoundPage.js';

export default function GroupPage() {
  const { code = '' } = useParams();
  const { i18n } = useTranslation();
  const group = useQuery({ queryKey: ['group', code], queryFn: ({ signal }) => api.group(code, signal) });
  usePageTitle(group.data ? localName(i18n.language, group.data.name, group.data.nameEn) : undefined);
  if (group.isPending) return <Loading />;
  if (group.isError) {
    if (isNotFound(group.error)) return <NotFoundPage />;
    return <ErrorMessage error={group.error} onRetry={() => void group.refetch()} />;
  }
  return <GroupView g={group.data} />;
}

function GroupView({ g }: { g: Group }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const members = [...g.members].sort((a, b) => a.order - b.order);
  const me = useMe();
  // citizens apply online (anyone not logged in is led to the login first); officers and businesses do not
  const canApply = me.data === null || me.data?.account.kind === 'citizen';
  return (
    <>
      <h1>{localName(lng, g.name, g.nameEn)}</h1>
      {!g.verified && <UnverifiedNotice note={g.note} />}
      <p className="lead">{g.description}</p>
      {canApply && (
        <div className="cta">
          <p>
            <Link className="button" to={`/nop-ho-so-lien-thong/${encodeURIComponent(g.code)}`}>
              {t('groupApply.title')}
            </Link>
          </p>
          <p className="hint">{t('groupApply.ctaHint', { limit: formatTimeLimit(t, lng, g.timeLimit) })}</p>
        </div>
      )}
      <dl className="summary">
        <div>
          <dt>{t('groups.receivingLevel')}</dt>
          <dd>{t(`agencyLevel.${g.receivingLevel}`)}</dd>
        </div>
        <div>
          <dt>{t('groups.timeLimit')}</dt>
          <dd>
            {formatTimeLimit(t, lng, g.timeLimit)}
            {g.timeLimit.note && <span className="muted"> ({g.timeLimit.note})</span>}
          </dd>
        </div>
      </dl>
      <section aria-labelledby="group-members">
        <h2 id="group-members">{t('groups.members')}</h2>
        <ol className="steps members">
          {members.map((m) => (
            <li key={`${m.order}-${m.nationalCode}`}>
              <Link to={`/thu-tuc/${encodeURIComponent(m.nationalCode)}`}>{m.name}</Link>
              <span className="cell-note">
                {t('groups.responsible')}: {t(`agencyLevel.${m.responsibleLevel}`)} · {t('groups.task')}: {m.task}
              </span>
            </li>
          ))}
        </ol>
      </section>
      {g.legalBasis.length > 0 && (
        <section aria-labelledby="group-legal">
          <h2 id="group-legal">{t('groups.legalBasis')}</h2>
          <LegalBasisList items={g.legalBasis} />
        </section>
      )}
    </>
  );
}
