import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { usePageTitle } from '../ui/usePageTitle.js';

export default function SubmitPage() {
  const { t } = useTranslation();
  const { nationalCode = '' } = useParams();
  usePageTitle(t('submit.title'));
  return (
    <>
      <h1>{t('submit.title')}</h1>
      <div className="alert alert-info" role="status">
        <p>{t('submit.coming')}</p>
      </div>
      <p>
        <Link to={`/thu-tuc/${encodeURIComponent(nationalCode)}`}>{t('submit.back')}</Link>
      </p>
    </>
  );
}
