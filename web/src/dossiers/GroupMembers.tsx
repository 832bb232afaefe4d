// The applicant's view of an inter-connected group dossier (một cửa liên thông): its member
// procedures in the group's order, each with its agency, status and result date, and the one
// due date of the whole group; a member dossier links back to its group dossier.
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import type { DossierDetail } from '../api/types.js';
import { formatVnDateTime, localName } from '../ui/format.js';
import { StatusBadge } from './parts.js';

type GroupPart = NonNullable<DossierDetail['group']>;
type StartedMember = GroupPart['members'][number];

interface Row {
  procedureCode: string;
  procedureName: string;
  member: StartedMember | null;
}

export function GroupMembersSection({ d }: { d: DossierDetail }) {
  const { t, i18n } = useTranslation();
  const g = d.group;
  // the group's definition orders the members and names those not started yet
  const def = useQuery({ queryKey: ['group', g?.code ?? ''], queryFn: ({ signal }) => api.group(g!.code, signal), enabled: !!g });
  if (!g) return null;
  const isGroupDossier = g.parentCode === d.code;
  const planned = def.data ? [...def.data.members].sort((a, b) => a.order - b.order) : null;
  const rows: Row[] = planned
    ? [
        ...planned.map((m) => ({ procedureCode: m.nationalCode, procedureName: m.name, member: g.members.find((x) => x.procedureCode === m.nationalCode) ?? null })),
        // a member no longer in the group's definition is still shown
        ...g.members.filter((x) => !planned.some((m) => m.nationalCode === x.procedureCode)).map((x) => ({ procedureCode: x.procedureCode, procedureName: x.procedureName, member: x })),
      ]
    : g.members.map((x) => ({ procedureCode: x.procedureCode, procedureName: x.procedureName, member: x }));
  const groupName = def.data ? localName(i18n.language, def.data.name, def.data.nameEn) : g.name;
  return (
    <section aria-labelledby="sec-group" className="card section">
      <h2 id="sec-group">{t('groupApply.membersTitle')}</h2>
      <p>{t('groupApply.membersIntro', { name: groupName })}</p>
      {isGroupDossier ? (
        <dl className="summary">
          <div>
            <dt>{t('groupApply.groupDueAt')}</dt>
            <dd>{d.dueAt ? formatVnDateTime(d.dueAt) : t('groupApply.dueAfterReceipt')}</dd>
          </div>
        </dl>
      ) : (
        <p>
          {t('groupApply.partOf')}{' '}
          <Link to={`/ho-so/${encodeURIComponent(g.parentCode)}`}>{t('groupApply.backToGroupDossier', { code: g.parentCode })}</Link>
        </p>
      )}
      <div className="table-wrap">
        <table className="table-stack group-members">
          <caption className="sr-only">{t('groupApply.membersTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('groupApply.colOrder')}</th>
              <th scope="col">{t('groupApply.colProcedure')}</th>
              <th scope="col">{t('groupApply.colAgency')}</th>
              <th scope="col">{t('groupApply.colStatus')}</th>
              <th scope="col">{t('groupApply.colResultAt')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={r.procedureCode}>
                <td data-label={t('groupApply.colOrder')}>{i + 1}</td>
                <td data-label={t('groupApply.colProcedure')} className="break">
                  {r.procedureName}
                  <span className="cell-note">
                    {r.procedureCode}
                    {r.member && r.member.code !== d.code && (
                      <>
                        {' · '}
                        <Link to={`/ho-so/${encodeURIComponent(r.member.code)}`} aria-label={t('groupApply.memberDossierLabel', { code: r.member.code, name: r.procedureName })}>
                          {r.member.code}
                        </Link>
                      </>
                    )}
                    {r.member && r.member.code === d.code && <> · {t('groupApply.thisDossier')}</>}
                  </span>
                </td>
                <td data-label={t('groupApply.colAgency')}>{r.member?.agencyName ?? '—'}</td>
                <td data-label={t('groupApply.colStatus')}>
                  {r.member ? <StatusBadge status={r.member.status} text={r.member.publicStatus} /> : <span className="muted">{t('groupApply.notStarted')}</span>}
                </td>
                <td data-label={t('groupApply.colResultAt')}>{r.member?.resultAt ? formatVnDateTime(r.member.resultAt) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
