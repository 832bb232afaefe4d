import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Me } from '../api/types.js';
import { GrantLabel } from '../ui/AccountMenu.js';
import { formatDate } from '../ui/format.js';
import { activeGrants, RequireAuth } from '../ui/session.js';
import { usePageTitle } from '../ui/usePageTitle.js';

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
      <section aria-labelledby="sec-inbox" className="card section">
        <h2 id="sec-inbox">{t('workspace.inbox')}</h2>
        <div className="alert alert-info">
          <p>{t('workspace.inboxLater')}</p>
        </div>
      </section>
    </>
  );
}
