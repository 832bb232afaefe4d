// Small pieces of the data store pages: the usable/unusable badge (worded, never colour alone)
// and the validity line of an item.
import { useTranslation } from 'react-i18next';
import { formatDate } from '../ui/format.js';
import type { UnusableReason } from './api.js';

/** "Dùng được" or the reason it cannot be used ("Hết hiệu lực", "Đã bị thu hồi" …). */
export function UsableBadge({ usable, reason }: { usable: boolean; reason?: UnusableReason | null | undefined }) {
  const { t } = useTranslation();
  if (usable) return <span className="badge badge-online-full">{t('datastore.usable')}</span>;
  return <span className="badge badge-fee">{t(`datastore.unusable.${reason ?? 'expired'}`)}</span>;
}

/** The item's dates: "Cấp ngày 20/11/2026 · Hiệu lực đến 20/05/2027" (or without a limit). */
export function ItemDates({ issuedOn, validUntil }: { issuedOn: string | null | undefined; validUntil: string | null | undefined }) {
  const { t } = useTranslation();
  const parts: string[] = [];
  if (issuedOn) parts.push(t('datastore.issuedOnText', { date: formatDate(issuedOn) }));
  parts.push(validUntil ? t('datastore.validUntilText', { date: formatDate(validUntil) }) : t('datastore.noLimit'));
  return <>{parts.join(' · ')}</>;
}
