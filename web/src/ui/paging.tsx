// Lists whose filters and page live in the URL: the search parameters with some changed, the
// page number (`trang`), and the pager below a list.
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

/** A copy of the search parameters with some set (a value) or removed (undefined or ""). */
export function changedParams(params: URLSearchParams, next: Record<string, string | undefined>): URLSearchParams {
  const sp = new URLSearchParams(params);
  for (const [k, v] of Object.entries(next)) {
    if (v) sp.set(k, v);
    else sp.delete(k);
  }
  return sp;
}

/** The URL's search parameters, its page (`trang`, from 1) and ways to change them. */
export function useUrlParams() {
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number.parseInt(params.get('trang') ?? '1', 10) || 1);
  const update = (next: Record<string, string | undefined>) => setParams(changedParams(params, next));
  /** Page 1 is the URL without `trang`. */
  const goToPage = (p: number) => update({ trang: p > 1 ? String(p) : undefined });
  return { params, page, update, goToPage };
}

/** Previous / "page x of n" / next below a list; nothing when it fits on one page. */
export function Pager({ page, total, pageSize, onPage }: { page: number; total: number; pageSize: number; onPage: (p: number) => void }) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  return (
    <nav className="pagination" aria-label={t('pagination.label')}>
      {page > 1 ? (
        <button type="button" className="button button-secondary" onClick={() => onPage(page - 1)}>
          {t('pagination.previous')}
        </button>
      ) : (
        <span />
      )}
      <span>{t('pagination.pageOf', { page, pages })}</span>
      {page < pages ? (
        <button type="button" className="button button-secondary" onClick={() => onPage(page + 1)}>
          {t('pagination.next')}
        </button>
      ) : (
        <span />
      )}
    </nav>
  );
}
