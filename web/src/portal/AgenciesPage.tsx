import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import type { Agency } from '../api/types.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { localName } from '../ui/format.js';
import { usePageTitle } from '../ui/usePageTitle.js';

export default function AgenciesPage() {
  const { t } = useTranslation();
  usePageTitle(t('agencies.title'));
  return (
    <>
      <h1>{t('agencies.title')}</h1>
      <p className="lead">{t('agencies.intro')}</p>
      <AgencyChildren parent="root" level={0} />
    </>
  );
}

/** One level of the tree: a list of agencies, fetched when first shown. */
function AgencyChildren({ parent, level, id }: { parent: string; level: number; id?: string }) {
  const children = useQuery({ queryKey: ['agencies', parent], queryFn: ({ signal }) => api.agencies(parent, signal) });
  if (children.isPending) return <Loading />;
  if (children.isError) return <ErrorMessage error={children.error} onRetry={() => void children.refetch()} />;
  return (
    <ul className={level === 0 ? 'tree' : 'tree-group'} id={id}>
      {children.data.items.map((a) => (
        <AgencyNode key={a.code} agency={a} level={level} initiallyOpen={level === 0} />
      ))}
    </ul>
  );
}

function AgencyNode({ agency, level, initiallyOpen }: { agency: Agency; level: number; initiallyOpen: boolean }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(initiallyOpen && agency.childCount > 0);
  const name = localName(i18n.language, agency.name, agency.nameEn);
  const groupId = `agency-children-${agency.code.replace(/[^A-Za-z0-9]/g, '-')}`;
  return (
    <li className="tree-item">
      <div className="tree-row">
        {agency.childCount > 0 ? (
          <button
            type="button"
            className="tree-toggle"
            aria-expanded={open}
            aria-controls={open ? groupId : undefined}
            aria-label={open ? t('agencies.collapse', { name }) : t('agencies.expand', { name })}
            onClick={() => setOpen((o) => !o)}
          >
            <span aria-hidden="true">{open ? '−' : '+'}</span>
          </button>
        ) : (
          <span className="tree-spacer" aria-hidden="true" />
        )}
        <span className="tree-label">
          <Link to={`/co-quan/${encodeURIComponent(agency.code)}`}>{name}</Link>{' '}
          <span className="muted">
            · {t(`agencyLevel.${agency.level}`)}
            {agency.childCount > 0 && <> · {t('agencies.children', { count: agency.childCount })}</>}
          </span>
        </span>
      </div>
      {open && <AgencyChildren parent={agency.code} level={level + 1} id={groupId} />}
    </li>
  );
}
