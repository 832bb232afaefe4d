// The interconnection operations page (/quan-tri/lien-thong, system administrators): who we are
// in the directory, whether each peer answers (latency, clock offset), the outbox, failing
// deliveries with their readable error, dead letters with "Gửi lại", refusals of what others
// sent us, and the recent message log with each message's signature check and full content.
// Status is always said in words (never colour alone); tables stack into cards at 360 px.
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { Me } from '../api/types.js';
import { apiErrorText } from '../ui/form.js';
import { formatDateTime, formatNumber } from '../ui/format.js';
import { ListTable } from '../ui/ListTable.js';
import { activeGrants, RequireAuth } from '../ui/session.js';
import { ErrorMessage, Loading } from '../ui/Status.js';
import { usePageTitle } from '../ui/usePageTitle.js';
import { type DeadLetter, type Failure, interconnectApi, type MessageDetail, type OpsOverview, type Peer, type RecentMessage, type Refusal, type Verified } from '../interconnect/api.js';

const OVERVIEW_KEY = ['interconnect', 'ops'] as const;

export default function InterconnectPage() {
  const { t } = useTranslation();
  usePageTitle(t('interconnect.title'));
  return <RequireAuth>{(me) => <OpsView me={me} />}</RequireAuth>;
}

function OpsView({ me }: { me: Me }) {
  const { t } = useTranslation();
  const allowed = activeGrants(me).some((g) => g.role === 'system_admin');
  return (
    <>
      <p>
        <Link to="/can-bo">{t('desk.back')}</Link>
      </p>
      <h1>{t('interconnect.title')}</h1>
      {allowed ? (
        <Overview />
      ) : (
        <div className="alert alert-error" role="alert">
          <p>{t('interconnect.notAllowed')}</p>
        </div>
      )}
    </>
  );
}

const typeText = (t: TFunction, type: string) => t(`interconnect.type.${type}`, { defaultValue: type });
const statusText = (t: TFunction, status: string) => t(`interconnect.status.${status}`, { defaultValue: status });
const dash = (v: string | null | undefined) => (v ? v : '—');

function When({ iso }: { iso: string | null }) {
  return iso ? <time dateTime={iso}>{formatDateTime(iso)}</time> : <>—</>;
}

function Overview() {
  const { t } = useTranslation();
  const ops = useQuery({ queryKey: OVERVIEW_KEY, queryFn: ({ signal }) => interconnectApi.overview(signal) });
  const [selected, setSelected] = useState<number | null>(null);

  if (ops.isPending) return <Loading />;
  if (ops.isError) return <ErrorMessage error={ops.error} onRetry={() => void ops.refetch()} />;
  const o = ops.data;
  return (
    <>
      <p className="lead">{t('interconnect.intro')}</p>
      {o.enabled ? <Identity o={o} refreshing={ops.isFetching} onRefresh={() => void ops.refetch()} /> : <Disabled />}
      {o.enabled && <Peers peers={o.peers} />}
      <OutboxSection o={o} />
      <Failures rows={o.failures} />
      <DeadLetters rows={o.deadLetters} />
      <Refusals rows={o.refusals} />
      <Recent rows={o.recent} onView={setSelected} />
      {selected !== null && <MessagePanel key={selected} id={selected} onClose={() => setSelected(null)} />}
    </>
  );
}

function Disabled() {
  const { t } = useTranslation();
  return (
    <section className="alert alert-info" aria-labelledby="ic-off-h">
      <h2 id="ic-off-h" className="alert-title">
        {t('interconnect.off.title')}
      </h2>
      <p>{t('interconnect.off.text')}</p>
      <ul>
        <li>
          <code>INTERCONNECT_MEMBER</code> — {t('interconnect.off.member')}
        </li>
        <li>
          <code>INTERCONNECT_DIRECTORY</code> — {t('interconnect.off.directory')}
        </li>
        <li>
          <code>INTERCONNECT_DIRECTORY_KEY</code> — {t('interconnect.off.directoryKey')}
        </li>
      </ul>
      <p>{t('interconnect.off.docs')}</p>
    </section>
  );
}

function Identity({ o, refreshing, onRefresh }: { o: OpsOverview; refreshing: boolean; onRefresh: () => void }) {
  const { t } = useTranslation();
  return (
    <section className="section" aria-labelledby="ic-self-h">
      <h2 id="ic-self-h">{t('interconnect.self.title')}</h2>
      <dl className="summary">
        <div>
          <dt>{t('interconnect.self.member')}</dt>
          <dd>
            <code>{o.member}</code>
          </dd>
        </div>
        <div>
          <dt>{t('interconnect.self.directory')}</dt>
          <dd>
            <When iso={o.directoryIssuedAt} />
          </dd>
        </div>
      </dl>
      <p className="section">
        <button type="button" className="button button-secondary" onClick={onRefresh} disabled={refreshing}>
          {refreshing ? t('interconnect.refreshing') : t('interconnect.refresh')}
        </button>
      </p>
    </section>
  );
}

function offsetText(t: TFunction, lng: string, ms: number | null): string {
  if (ms === null) return '—';
  const s = formatNumber(lng, Math.round(ms / 100) / 10);
  if (Math.abs(ms) < 1000) return t('interconnect.peers.inSync', { s });
  return ms > 0 ? t('interconnect.peers.ahead', { s }) : t('interconnect.peers.behind', { s: formatNumber(lng, Math.abs(Math.round(ms / 100) / 10)) });
}

function Peers({ peers }: { peers: Peer[] }) {
  const { t, i18n } = useTranslation();
  return (
    <section className="section" aria-labelledby="ic-peers-h">
      <h2 id="ic-peers-h">{t('interconnect.peers.title')}</h2>
      {peers.length === 0 ? (
        <p>{t('interconnect.peers.none')}</p>
      ) : (
        <ListTable<Peer>
          caption={t('interconnect.peers.title')}
          rows={peers}
          rowKey={(p) => p.id}
          columns={[
            {
              label: t('interconnect.peers.name'),
              cell: (p) => (
                <>
                  {p.name}
                  <span className="cell-note">
                    <code>{p.id}</code> · {t(`interconnect.kind.${p.kind}`, { defaultValue: p.kind })}
                  </span>
                </>
              ),
              className: 'break',
            },
            { label: t('interconnect.peers.address'), cell: (p) => p.baseUrl, className: 'break' },
            {
              label: t('interconnect.peers.state'),
              cell: (p) => (
                <>
                  <strong>{p.reachable ? t('interconnect.peers.reachable') : t('interconnect.peers.unreachable')}</strong>
                  {p.error && <span className="cell-note">{p.error}</span>}
                </>
              ),
              className: 'break',
            },
            { label: t('interconnect.peers.latency'), cell: (p) => (p.latencyMs === null ? '—' : t('interconnect.peers.ms', { n: formatNumber(i18n.language, p.latencyMs) })) },
            { label: t('interconnect.peers.clock'), cell: (p) => offsetText(t, i18n.language, p.clockOffsetMs) },
          ]}
        />
      )}
    </section>
  );
}

function OutboxSection({ o }: { o: OpsOverview }) {
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(i18n.language, v);
  return (
    <section className="section" aria-labelledby="ic-outbox-h">
      <h2 id="ic-outbox-h">{t('interconnect.outbox.title')}</h2>
      <dl className="summary">
        <div>
          <dt>{t('interconnect.outbox.pending')}</dt>
          <dd>{n(o.outbox.pending)}</dd>
        </div>
        <div>
          <dt>{t('interconnect.outbox.oldest')}</dt>
          <dd>
            <When iso={o.outbox.oldestPendingAt} />
          </dd>
        </div>
        <div>
          <dt>{t('interconnect.outbox.failing')}</dt>
          <dd>{n(o.outbox.failing)}</dd>
        </div>
        <div>
          <dt>{t('interconnect.outbox.delivered24h')}</dt>
          <dd>{n(o.outbox.delivered24h)}</dd>
        </div>
        <div>
          <dt>{t('interconnect.outbox.dead')}</dt>
          <dd>{n(o.outbox.dead)}</dd>
        </div>
      </dl>
    </section>
  );
}

function messageCell(t: TFunction, m: { type: string; dossierRef: string | null; messageId: string }) {
  return (
    <>
      {typeText(t, m.type)}
      <span className="cell-note">{m.dossierRef ? t('interconnect.dossier', { code: m.dossierRef }) : t('interconnect.noDossier')}</span>
      <span className="cell-note">
        <code>{m.messageId}</code>
      </span>
    </>
  );
}

function Failures({ rows }: { rows: Failure[] }) {
  const { t } = useTranslation();
  return (
    <section className="section" aria-labelledby="ic-failures-h">
      <h2 id="ic-failures-h">{t('interconnect.failures.title')}</h2>
      {rows.length === 0 ? (
        <p>{t('interconnect.failures.none')}</p>
      ) : (
        <ListTable<Failure>
          caption={t('interconnect.failures.title')}
          rows={rows}
          rowKey={(r) => r.id}
          columns={[
            { label: t('interconnect.col.message'), cell: (r) => messageCell(t, r), className: 'break' },
            { label: t('interconnect.col.to'), cell: (r) => <code>{r.peer}</code> },
            { label: t('interconnect.col.attempts'), cell: (r) => r.attempts },
            { label: t('interconnect.col.lastError'), cell: (r) => dash(r.lastError), className: 'break' },
            { label: t('interconnect.col.nextAttempt'), cell: (r) => <When iso={r.nextAttemptAt} /> },
          ]}
        />
      )}
    </section>
  );
}

function DeadLetters({ rows }: { rows: DeadLetter[] }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const heading = useRef<HTMLHeadingElement>(null);
  const [busy, setBusy] = useState<{ id: number; what: 'retry' | 'abandon' } | null>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  async function retry(r: DeadLetter) {
    setBusy({ id: r.id, what: 'retry' });
    setOutcome(null);
    try {
      await interconnectApi.retry(r.id);
      setOutcome({ ok: true, text: t('interconnect.dead.retried', { type: typeText(t, r.type), peer: r.peer }) });
      await qc.invalidateQueries({ queryKey: OVERVIEW_KEY });
      // the row is gone: keep the keyboard user in this section
      heading.current?.focus();
    } catch (err) {
      setOutcome({ ok: false, text: `${t('interconnect.dead.retryFailed')} ${apiErrorText(t, err)}` });
    } finally {
      setBusy(null);
    }
  }

  /** Gives up on it: never sent; a transfer or consultation request reopens its step here (the server says whether it did). */
  async function abandon(r: DeadLetter) {
    setBusy({ id: r.id, what: 'abandon' });
    setOutcome(null);
    try {
      const res = await interconnectApi.abandon(r.id);
      const vars = { type: typeText(t, r.type), peer: r.peer, dossier: r.dossierRef ?? '—' };
      setOutcome({ ok: true, text: res.reopened ? t('interconnect.dead.abandonedReopened', vars) : t('interconnect.dead.abandoned', vars) });
      await qc.invalidateQueries({ queryKey: OVERVIEW_KEY });
      heading.current?.focus();
    } catch (err) {
      setOutcome({ ok: false, text: `${t('interconnect.dead.abandonFailed')} ${apiErrorText(t, err)}` });
    } finally {
      setBusy(null);
    }
  }
  const carriesWork = (r: DeadLetter) => r.type === 'transfer' || r.type === 'consultation_request';

  return (
    <section className="section" aria-labelledby="ic-dead-h">
      <h2 id="ic-dead-h" ref={heading} tabIndex={-1}>
        {t('interconnect.dead.title')}
      </h2>
      <p className="hint">{t('interconnect.dead.intro')}</p>
      <div aria-live="polite" role="status">
        {outcome && <p className={outcome.ok ? 'success' : 'field-error'}>{outcome.text}</p>}
      </div>
      {rows.length === 0 ? (
        <p>{t('interconnect.dead.none')}</p>
      ) : (
        <ListTable<DeadLetter>
          caption={t('interconnect.dead.title')}
          rows={rows}
          rowKey={(r) => r.id}
          columns={[
            { label: t('interconnect.col.message'), cell: (r) => messageCell(t, r), className: 'break' },
            { label: t('interconnect.col.to'), cell: (r) => <code>{r.peer}</code> },
            { label: t('interconnect.col.createdAt'), cell: (r) => <When iso={r.createdAt} /> },
            { label: t('interconnect.col.attempts'), cell: (r) => r.attempts },
            { label: t('interconnect.col.lastError'), cell: (r) => dash(r.lastError), className: 'break' },
            {
              label: t('interconnect.col.actions'),
              cell: (r) => (
                <>
                  <button
                    type="button"
                    className="button"
                    disabled={busy !== null}
                    aria-label={t('interconnect.dead.retryOf', { type: typeText(t, r.type), peer: r.peer, dossier: r.dossierRef ?? '—' })}
                    onClick={() => void retry(r)}
                  >
                    {busy?.id === r.id && busy.what === 'retry' ? t('interconnect.dead.retrying') : t('interconnect.dead.retry')}
                  </button>{' '}
                  <button
                    type="button"
                    className="button button-secondary"
                    disabled={busy !== null}
                    aria-label={carriesWork(r) ? t('interconnect.dead.abandonOf', { type: typeText(t, r.type), peer: r.peer, dossier: r.dossierRef ?? '—' }) : t('interconnect.dead.abandonOnlyOf', { type: typeText(t, r.type), peer: r.peer, dossier: r.dossierRef ?? '—' })}
                    onClick={() => void abandon(r)}
                  >
                    {busy?.id === r.id && busy.what === 'abandon' ? t('interconnect.dead.abandoning') : carriesWork(r) ? t('interconnect.dead.abandon') : t('interconnect.dead.abandonOnly')}
                  </button>
                </>
              ),
            },
          ]}
        />
      )}
    </section>
  );
}

function Refusals({ rows }: { rows: Refusal[] }) {
  const { t } = useTranslation();
  return (
    <section className="section" aria-labelledby="ic-refusals-h">
      <h2 id="ic-refusals-h">{t('interconnect.refusals.title')}</h2>
      <p className="hint">{t('interconnect.refusals.intro')}</p>
      {rows.length === 0 ? (
        <p>{t('interconnect.refusals.none')}</p>
      ) : (
        <ListTable<Refusal>
          caption={t('interconnect.refusals.title')}
          rows={rows}
          rowKey={(r) => r.id}
          columns={[
            { label: t('interconnect.col.at'), cell: (r) => <When iso={r.at} /> },
            { label: t('interconnect.col.from'), cell: (r) => (r.peer ? <code>{r.peer}</code> : t('interconnect.unknownSender')) },
            {
              label: t('interconnect.col.code'),
              cell: (r) => (
                <>
                  {t(`interconnect.code.${r.code}`, { defaultValue: r.code })}
                  <span className="cell-note">
                    <code>{r.code}</code>
                  </span>
                </>
              ),
            },
            { label: t('interconnect.col.detail'), cell: (r) => r.detail, className: 'break' },
          ]}
        />
      )}
    </section>
  );
}

function VerifiedText({ v }: { v: Verified }) {
  const { t } = useTranslation();
  const mark = v === 'valid' ? '✓' : v === 'invalid' ? '✗' : '–';
  return (
    <span>
      <span aria-hidden="true">{mark} </span>
      {t(`interconnect.verified.${v}`)}
    </span>
  );
}

function Recent({ rows, onView }: { rows: RecentMessage[]; onView: (id: number) => void }) {
  const { t } = useTranslation();
  return (
    <section className="section" aria-labelledby="ic-recent-h">
      <h2 id="ic-recent-h">{t('interconnect.recent.title')}</h2>
      {rows.length === 0 ? (
        <p>{t('interconnect.recent.none')}</p>
      ) : (
        <ListTable<RecentMessage>
          caption={t('interconnect.recent.title')}
          rows={rows}
          rowKey={(r) => r.id}
          columns={[
            { label: t('interconnect.col.createdAt'), cell: (r) => <When iso={r.createdAt} /> },
            {
              label: t('interconnect.col.direction'),
              cell: (r) => (
                <>
                  {r.direction === 'out' ? t('interconnect.direction.out') : t('interconnect.direction.in')}
                  <span className="cell-note">
                    <code>{r.peer}</code>
                  </span>
                </>
              ),
            },
            { label: t('interconnect.col.message'), cell: (r) => messageCell(t, r), className: 'break' },
            {
              label: t('interconnect.col.status'),
              cell: (r) => (
                <>
                  {statusText(t, r.status)}
                  {r.doneAt && (
                    <span className="cell-note">
                      <When iso={r.doneAt} />
                    </span>
                  )}
                </>
              ),
            },
            { label: t('interconnect.col.signature'), cell: (r) => <VerifiedText v={r.verified} /> },
            {
              label: t('interconnect.col.actions'),
              cell: (r) => (
                <button type="button" className="button button-secondary" aria-label={t('interconnect.recent.viewOf', { type: typeText(t, r.type), peer: r.peer })} onClick={() => onView(r.id)}>
                  {t('interconnect.recent.view')}
                </button>
              ),
            },
          ]}
        />
      )}
    </section>
  );
}

const preStyle = { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', margin: 0 } as const;

function CheckLine({ label, check }: { label: string; check: MessageDetail['verification']['signature'] }) {
  const { t } = useTranslation();
  return (
    <div>
      <dt>{label}</dt>
      <dd className="break">{check ? `${check.ok ? t('interconnect.detail.ok') : t('interconnect.detail.notOk')}: ${check.detail}` : '—'}</dd>
    </div>
  );
}

function MessagePanel({ id, onClose }: { id: number; onClose: () => void }) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  const msg = useQuery({ queryKey: ['interconnect', 'message', id], queryFn: ({ signal }) => interconnectApi.message(id, signal) });
  // opened from a row's button further up: take the keyboard (and the screen reader) to it
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="card section" aria-labelledby="ic-message-h">
      <h2 id="ic-message-h" ref={heading} tabIndex={-1}>
        {t('interconnect.detail.title', { id })}
      </h2>
      <div aria-live="polite">
        {msg.isPending ? (
          <Loading />
        ) : msg.isError ? (
          <ErrorMessage error={msg.error} />
        ) : (
          <>
            <dl className="summary">
              <div>
                <dt>{t('interconnect.col.message')}</dt>
                <dd className="break">{messageCell(t, msg.data)}</dd>
              </div>
              <div>
                <dt>{t('interconnect.col.direction')}</dt>
                <dd>
                  {msg.data.direction === 'out' ? t('interconnect.direction.out') : t('interconnect.direction.in')} <code>{msg.data.peer}</code>
                </dd>
              </div>
              <div>
                <dt>{t('interconnect.col.status')}</dt>
                <dd>{statusText(t, msg.data.status)}</dd>
              </div>
              <div>
                <dt>{t('interconnect.col.signature')}</dt>
                <dd className="break">
                  <VerifiedText v={msg.data.verification.verified} />
                  <span className="cell-note">{msg.data.verification.summary}</span>
                </dd>
              </div>
              <CheckLine label={t('interconnect.detail.signature')} check={msg.data.verification.signature} />
              <CheckLine label={t('interconnect.detail.receipt')} check={msg.data.verification.receipt} />
              {msg.data.lastError && (
                <div>
                  <dt>{t('interconnect.col.lastError')}</dt>
                  <dd className="break">{msg.data.lastError}</dd>
                </div>
              )}
            </dl>
            <h3>{t('interconnect.detail.body')}</h3>
            <pre style={preStyle}>{JSON.stringify(msg.data.body, null, 2)}</pre>
            <h3>{t('interconnect.detail.attachments')}</h3>
            <pre style={preStyle}>{JSON.stringify(msg.data.attachments, null, 2)}</pre>
            <h3>{t('interconnect.detail.jws')}</h3>
            <pre style={preStyle}>{msg.data.jws ?? '—'}</pre>
            <h3>{t('interconnect.detail.receiptRaw')}</h3>
            <pre style={preStyle}>{msg.data.receipt ?? '—'}</pre>
          </>
        )}
      </div>
      <p className="section">
        <button type="button" className="button button-secondary" onClick={onClose}>
          {t('interconnect.detail.close')}
        </button>
      </p>
    </section>
  );
}
