// What the applicant sees of processing after receipt: the result document, the apology with
// a new date (form 4), and the process control slip (form 5).
import { useTranslation } from 'react-i18next';
import { links } from '../api/client.js';
import type { DossierDetail } from '../api/types.js';
import { formatSize, formatVnDateTime } from '../ui/format.js';

/** "Kết quả giải quyết": the result documents recorded by the agency, to download. */
export function ResultSection({ d }: { d: DossierDetail }) {
  const { t, i18n } = useTranslation();
  const results = d.documents.filter((x) => x.source === 'result');
  if (results.length === 0) return null;
  const recorded = [...d.events].reverse().find((e) => e.type === 'result_recorded');
  const summary = recorded && typeof (recorded.payload as { summary?: unknown } | null)?.summary === 'string' ? (recorded.payload as { summary: string }).summary : null;
  return (
    <section aria-labelledby="sec-result" className="card section result-section">
      <h2 id="sec-result">{t('work.resultTitle')}</h2>
      {summary && <p>{summary}</p>}
      <ul className="plain form-links">
        {results.map((x) => (
          <li key={x.id}>
            <a href={links.document(d.code, x.id)} target="_blank" rel="noopener noreferrer" className="break">
              {t('work.downloadResult', { name: x.filename ?? x.name })}
              <span className="sr-only"> {t('app.newTab')}</span>
            </a>
            {x.size !== null && <span className="cell-note">{formatSize(i18n.language, x.size)}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The apology of the agency with the new date, and form 4. */
export function ApologyNotice({ d }: { d: DossierDetail }) {
  const { t } = useTranslation();
  const e = [...d.events].reverse().find((x) => x.type === 'apology_issued');
  if (!e) return null;
  const p = (e.payload ?? {}) as { newDueAt?: unknown; reason?: unknown };
  return (
    <section aria-labelledby="sec-apology" className="card section alert-warning">
      <h2 id="sec-apology">{t('work.apologyNoticeTitle')}</h2>
      <p>{t('work.apologyNotice', { date: typeof p.newDueAt === 'string' ? formatVnDateTime(p.newDueAt) : d.dueAt ? formatVnDateTime(d.dueAt) : '—' })}</p>
      {typeof p.reason === 'string' && <p>{t('timeline.reason', { reason: p.reason })}</p>}
      <p>
        <a href={links.apologyPdf(d.code)} target="_blank" rel="noopener noreferrer">
          {t('work.apologyPdf')}
          <span className="sr-only"> {t('app.newTab')}</span>
        </a>
      </p>
    </section>
  );
}

/** "Phiếu kiểm soát quá trình" (form 5), once the dossier is received. */
export function ControlSlipLink({ d }: { d: DossierDetail }) {
  const { t } = useTranslation();
  if (!d.receivedAt) return null;
  return (
    <p>
      <a href={links.controlSlipPdf(d.code)} target="_blank" rel="noopener noreferrer">
        {t('work.controlSlipPdf')}
        <span className="sr-only"> {t('app.newTab')}</span>
      </a>
    </p>
  );
}
