import type { TFunction } from 'i18next';
import type { TimeLimit } from '../api/types.js';

/** yyyy-mm-dd (or an ISO timestamp) → dd/mm/yyyy, without going through time zones. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return `${m[3]}/${m[2]}/${m[1]}`;
}

const vnd = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 });

/** 200000 → "200.000 đ" */
export function formatVnd(amount: number): string {
  return `${vnd.format(amount)} đ`;
}

/** Fee amount: 0 → free, null → set per case. */
export function formatFeeAmount(t: TFunction, amount: number | null): string {
  if (amount === null) return t('procedure.perCase');
  if (amount === 0) return t('procedure.free');
  return formatVnd(amount);
}

export function formatNumber(lng: string, n: number): string {
  return new Intl.NumberFormat(lng === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 2 }).format(n);
}

/** 0 working days → "Trong ngày làm việc"; 15 working days → "15 ngày làm việc". */
export function formatTimeLimit(t: TFunction, lng: string, tl: TimeLimit): string {
  if (tl.value === 0 && (tl.unit === 'working_days' || tl.unit === 'days')) return t('timeLimit.withinDay');
  return t(`timeLimit.${tl.unit}`, { count: tl.value, n: formatNumber(lng, tl.value) });
}

/** The English name when the interface is in English and one exists. */
export function localName(lng: string, name: string, nameEn: string | null | undefined): string {
  return lng === 'en' && nameEn ? nameEn : name;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO timestamp → "hh:mm" in the browser's time zone. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** An ISO timestamp → "dd/mm/yyyy hh:mm" in the browser's time zone. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()} ${formatTime(iso)}`;
}

const vnParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An ISO timestamp → "dd/mm/yyyy hh:mm" in Vietnam time (dossier dates are legal dates there). */
export function formatVnDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p: Record<string, string> = {};
  for (const part of vnParts.formatToParts(d)) p[part.type] = part.value;
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** 12345 → "12,1 KB" / "12.1 KB". */
export function formatSize(lng: string, bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(lng, Math.round((bytes / 1024) * 10) / 10)} KB`;
  return `${formatNumber(lng, Math.round((bytes / 1024 / 1024) * 10) / 10)} MB`;
}
