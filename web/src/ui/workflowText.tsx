// Workflow templates in words and numbers, shared by the public procedure page and the
// template editor: who acts at a step (the agency rule described), time budgets, and the
// budget arithmetic of the server (working hours, 8 per working day; legal limits converted
// the same way as src/workflow/template.ts).
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api, ApiError } from '../api/client.js';
import type { TimeLimit } from '../api/types.js';
import type { AgencyRule, Budget } from '../api/workflow-types.js';
import { formatNumber } from './format.js';

export const WORKING_DAY_HOURS = 8;
export const AGENCY_CODE = /^[A-Z0-9.]{3,40}$/;

export function budgetHours(b: Budget): number {
  return b.unit === 'working_days' ? b.value * WORKING_DAY_HOURS : b.value;
}

/** The legal time limit in working hours, as the server checks budgets against it. */
export function limitHours(limit: TimeLimit): number {
  switch (limit.unit) {
    case 'working_days':
      return limit.value === 0 ? WORKING_DAY_HOURS : limit.value * WORKING_DAY_HOURS;
    case 'working_hours':
    case 'hours':
      return limit.value;
    case 'days':
      return Math.floor((limit.value * 5) / 7) * WORKING_DAY_HOURS || WORKING_DAY_HOURS;
    case 'months':
      return limit.value * 20 * WORKING_DAY_HOURS;
  }
}

/** "4 giờ làm việc", "2 ngày làm việc". */
export function budgetText(t: TFunction, lng: string, b: Budget): string {
  return t(`timeLimit.${b.unit}`, { count: b.value, n: formatNumber(lng, b.value) });
}

export function hoursText(t: TFunction, lng: string, hours: number): string {
  return budgetText(t, lng, { value: hours, unit: 'working_hours' });
}

function capitalise(s: string): string {
  return s ? s.charAt(0).toLocaleUpperCase() + s.slice(1) : s;
}

/** The agency rule in words: "Cơ quan tiếp nhận", "Cấp huyện của nơi tiếp nhận", … */
export function agencyRuleText(t: TFunction, rule: AgencyRule, agencyName?: string): string {
  switch (rule.kind) {
    case 'receiving':
      return t('workflowAdmin.rule.receiving');
    case 'fixed':
      return agencyName ? t('workflowAdmin.rule.fixedNamed', { name: agencyName, code: rule.code }) : t('workflowAdmin.rule.fixed', { code: rule.code });
    case 'ancestor':
      return capitalise(t('workflowAdmin.rule.ancestor', { level: t(`workflowAdmin.levelOf.${rule.level}`) }));
    case 'handling': {
      const level = rule.level ? t(`workflowAdmin.levelOf.${rule.level}`) : undefined;
      if (rule.procedure && level) return t('workflowAdmin.rule.handlingProcedureLevel', { procedure: rule.procedure, level });
      if (rule.procedure) return t('workflowAdmin.rule.handlingProcedure', { procedure: rule.procedure });
      if (level) return t('workflowAdmin.rule.handlingLevel', { level });
      return t('workflowAdmin.rule.handling');
    }
  }
}

/** The name of an agency by its code, once known (undefined while loading or when unknown). */
export function useAgencyName(code: string | undefined): string | undefined {
  const valid = !!code && AGENCY_CODE.test(code);
  const agency = useQuery({
    queryKey: ['agency', code],
    queryFn: ({ signal }) => api.agency(code!, signal),
    enabled: valid,
    retry: (n, err) => !(err instanceof ApiError && err.status === 404) && n < 2,
    staleTime: 5 * 60_000,
  });
  return valid ? agency.data?.name : undefined;
}

/** The agency rule in words, with the fixed agency's name looked up. */
export function AgencyRuleText({ rule }: { rule: AgencyRule }) {
  const { t } = useTranslation();
  const name = useAgencyName(rule.kind === 'fixed' ? rule.code : undefined);
  return <>{agencyRuleText(t, rule, name)}</>;
}
