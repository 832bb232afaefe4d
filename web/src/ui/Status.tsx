import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.js';

/** A polite live region announcing that content is loading. */
export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="status" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {t('status.loading')}
    </p>
  );
}

/** An assertive live region for failures, with an optional retry button. */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  let text = t('status.error');
  if (error instanceof ApiError) {
    if (error.status === 0) text = t('status.networkError');
    else if (error.status === 404) text = t('status.notFound');
  }
  return (
    <div className="alert alert-error" role="alert">
      <p>{text}</p>
      {onRetry && error instanceof ApiError && error.status !== 404 && (
        <button type="button" className="button button-secondary" onClick={onRetry}>
          {t('status.retry')}
        </button>
      )}
    </div>
  );
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}
