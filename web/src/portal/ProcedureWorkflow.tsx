// "Quy trình giải quyết" on the public procedure page: the processing steps in force today
// (GET /api/procedures/:code/workflow) — what happens, who does it, in how long — and the
// online priority when the procedure has one.
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { localName } from '../ui/format.js';
import { ErrorMessage, isNotFound, Loading } from '../ui/Status.js';
import { AgencyRuleText, budgetText } from '../ui/workflowText.js';

export function ProcedureWorkflow({ nationalCode }: { nationalCode: string }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const wf = useQuery({
    queryKey: ['procedure-workflow', nationalCode],
    queryFn: ({ signal }) => api.procedureWorkflow(nationalCode, signal),
    retry: (n, err) => !isNotFound(err) && n < 2,
  });
  // A procedure not in force today has no steps to show.
  if (wf.isError && isNotFound(wf.error)) return null;

  return (
    <section aria-labelledby="sec-workflow" className="procedure-workflow">
      <h2 id="sec-workflow">{t('workflowAdmin.public.title')}</h2>
      {wf.isPending ? (
        <Loading />
      ) : wf.isError ? (
        <ErrorMessage error={wf.error} onRetry={() => void wf.refetch()} />
      ) : (
        <>
          {wf.data.onlinePriorityDays > 0 && (
            <p className="alert alert-info workflow-priority">
              <strong>{t('workflowAdmin.public.onlinePriority', { count: wf.data.onlinePriorityDays })}</strong>
            </p>
          )}
          <ol className="workflow-public">
            {wf.data.steps.map((s) => (
              <li key={s.id}>
                <h3 className="small-heading">{localName(lng, s.name, s.nameEn)}</h3>
                <dl className="meta">
                  <div>
                    <dt>{t('workflowAdmin.public.who')}</dt>
                    <dd>
                      <AgencyRuleText rule={s.agency} /> ({t(`workflowAdmin.role.${s.role}`)})
                    </dd>
                  </div>
                  {s.kind !== 'return' && s.budget.value > 0 && (
                    <div>
                      <dt>{t('workflowAdmin.public.time')}</dt>
                      <dd>{budgetText(t, lng, s.budget)}</dd>
                    </div>
                  )}
                </dl>
                {s.branches.length > 0 && (
                  <>
                    <p className="workflow-branches-intro">{t('workflowAdmin.public.branches')}</p>
                    <ul>
                      {s.branches.map((b, k) => (
                        <li key={k}>
                          {b.task}: <AgencyRuleText rule={b.agency} />, {budgetText(t, lng, b.budget)}
                        </li>
                      ))}
                    </ul>
                  </>
                )}
              </li>
            ))}
          </ol>
          {wf.data.isDefault && <p className="muted">{t('workflowAdmin.public.defaultNote')}</p>}
        </>
      )}
    </section>
  );
}
