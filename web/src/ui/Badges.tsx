import { useTranslation } from 'react-i18next';
import type { OnlineLevel } from '../api/types.js';

export function OnlineBadge({ level }: { level: OnlineLevel }) {
  const { t } = useTranslation();
  return <span className={`badge badge-online-${level}`}>{t(`online.${level}`)}</span>;
}

export function UnverifiedNotice({ note }: { note: string | null }) {
  const { t } = useTranslation();
  return (
    <aside className="alert alert-warning" aria-labelledby="unverified-title">
      <p className="alert-title" id="unverified-title">
        <strong>{t('procedure.unverified')}</strong>
      </p>
      <p>{t('procedure.unverifiedText')}</p>
      {note && (
        <p>
          {t('procedure.note')}: <span lang="vi">{note}</span>
        </p>
      )}
    </aside>
  );
}
