import { useTranslation } from 'react-i18next';
import type { ProcedureDetail } from '../api/types.js';
import { formatDate } from './format.js';

/** The legal texts a procedure or group rests on: number — title (issued on dd/mm/yyyy). */
export function LegalBasisList({ items }: { items: ProcedureDetail['legalBasis'] }) {
  const { t } = useTranslation();
  return (
    <ul>
      {items.map((l, i) => (
        <li key={i}>
          {l.number && <strong>{l.number}</strong>}
          {l.number && ' — '}
          {l.title}
          {l.issuedOn && <span className="muted"> ({t('procedure.issuedOn', { date: formatDate(l.issuedOn) })})</span>}
        </li>
      ))}
    </ul>
  );
}
