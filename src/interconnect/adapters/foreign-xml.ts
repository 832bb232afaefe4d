// Adapter for a member of kind 'foreign-xml' (#6): another vendor's one-stop system that does not
// speak our protocol (no JWS, no receipts, no callbacks) but exposes an XML API with the national
// dossier sync's field names (MaHoSo, NgayTiepNhan, NgayHenTra, NgayKetThucXuLy, TrangThai…) and a
// change feed to poll. It is the template for connecting a real vendor: copy it, keep the two
// directions below, change the field mapping and the status table.
//
// Outbound (our outbox → the vendor), `deliverForeign`, called by the delivery worker instead of a
// signed POST; its result is kept in the message's receipt column, its DeliveryError decides retry:
//
//   our message           vendor call
//   transfer              POST /api/hoso  <HoSo>
//     envelope.dossierRef      MaHoSo        (our dossier code; the vendor is idempotent on it)
//     dossier.procedure        MaTTHC        (national procedure code)
//     dossier.procedureName    TenTTHC
//     task.agency              DonViXuLy     (agency identifier, Decision 20/2020)
//     dossier.applicant.name   ChuHoSo/HoTen
//     dossier.applicant.citizenId (or taxCode) ChuHoSo/SoCCCD
//     dossier.receivedAt ?? envelope.createdAt   NgayTiepNhan (yyyyMMddHHmmss, UTC+7)
//     task.dueAt               NgayHenTra    (yyyyMMddHHmmss, UTC+7; '' when none; seconds kept, ms dropped)
//     dossier.documents[]      TaiLieuNop/TaiLieu {TenTaiLieu = filename, MaHash = sha256, KichThuoc = size}
//                              (metadata only: this vendor does not fetch files)
//     task.reason              LyDoChuyen
//   transfer_cancelled    POST /api/hoso/{MaHoSo}/huy  <HuyHoSo><MaHoSoNoiBo = peerTask/><LyDo = reason/></HuyHoSo>
//   consultation_request  not offered by this vendor → DeliveryError, not retryable (dead letter, visible to
//                         the operators) rather than a question silently lost
//   transfer_accepted     POST /api/hoso/{MaHoSo}/phanhoi  <PhanHoi><TrangThai/><ThoiGian/><GhiChu/><LyDo/></PhanHoi>
//   status_change, step_result, transfer_rejected   on one of the VENDOR's dossiers, sent to us through its
//                         chuyendi feed (the vendor never holds a mirror of ours, so these are always about its own):
//                           transfer_accepted → TrangThai 1 · status_change → 2 (GhiChu = event label) ·
//                           step_result handed_over/approved/result_recorded → 4 (GhiChu = note, else summary) ·
//                           step_result refused → 5 (LyDo = reasons) · transfer_rejected → 5 (LyDo = reason);
//                           ThoiGian = the event's time (yyyyMMddHHmmss, UTC+7)
//   ping, dossier_closed and the rest   nothing to call → delivered with the note "not applicable for this vendor"
//                         (dossier_closed: the vendor holds no mirror of ours to close; its own step ended with
//                         its step_result, and a cancel of open work goes as transfer_cancelled)
//
//   vendor answer                            outcome
//   <KetQua><MaLoi>0</MaLoi>…                 delivered; receipt = {vendor, status:'accepted', answer, answerSha256}
//   MaLoi 9 (hệ thống đang bận)               DeliveryError retryable
//   MaLoi 2/3 on a withdrawal                 delivered with a note (nothing left to withdraw there)
//   other MaLoi ≠ 0                           DeliveryError "foreign system refused: MaLoi=… MoTa=…", not retryable
//   no answer within timeoutMs                DeliveryError "foreign system did not answer within N ms", retryable
//   not XML / not the expected root           DeliveryError "foreign system answered with unreadable XML: …", retryable
//   connection refused / dropped, HTTP 5xx    DeliveryError retryable
//
// Inbound (the vendor → us), `ForeignPoller`: polls GET /api/hoso/thaydoi?tu=<cursor> and turns each
// change into one of OUR messages, as if the vendor had sent it, fed to applyInbound (idempotent by id):
//
//   TrangThai                 our message (from = member.id, to = self, dossierRef = MaHoSo,
//                             id = `foreign-xml:<member>:<Ma>`, createdAt = sentAt = ThoiGian as ISO UTC)
//   1 Mới tiếp nhận           transfer_accepted { taskRef: our open task held by the member, peerTask: MaHoSoNoiBo }
//   2 Đang xử lý              status_change { event: { type:'foreign_status', at, agency, step, actorRole:'specialist',
//                                             label:'Đang xử lý' }, closed: [], opened: [] }
//   4 Đã xử lý xong           step_result { peerTask: MaHoSoNoiBo, outcome:'handed_over', note = summary = GhiChu, … }
//   5 Từ chối                 step_result { …, outcome:'refused', reasons: [LyDo] }
//   6 Đã hủy, anything else   nothing (a withdrawal we asked for; unknown codes are logged and passed over)
//   a change for a dossier where the member holds no open task of ours: nothing (logged)
//   a change lacking Ma/MaHoSo/TrangThai/ThoiGian, junk, silence: logged once, the same page polled again
//   (the feed is never skipped past something unread)
//   a change whose apply fails for good (a DomainError other than not-found or a concurrent change,
//   e.g. "no next step"): refused, i.e. a row in interconnect_refusals and an in-row with status
//   'refused' (so the cursor moves past it), and the feed goes on; any other failure is tried again
//   next poll, holding back the later changes, and logged once per change and reason
//
// Inbound, the other way: the vendor's own dossiers sent out to an agency we host ("chuyển liên thông
// đi"), GET /api/hoso/chuyendi?tu=<cursor> (read after the change feed, when that one answered), each
// applied as the vendor's `transfer` (id `foreign-xml:<member>:out:<Ma>`, createdAt = ThoiGian):
//   task    { ref = MaHoSo, kind 'step', stepId/role = the step of OUR template in force for MaTTHC
//             whose agency is {kind:'fixed', code: DonViNhan} ('' when none: the handler rejects it,
//             and the transfer_rejected goes back as TrangThai 5), agency = DonViNhan, dueAt = NgayHenTra,
//             priority 0, fromAgency = DonViGui, reason = NoiDung }
//   dossier { code = MaHoSo, procedure = MaTTHC, procedureName = TenTTHC, receivingAgency = DonViGui,
//             channel 'in_person', submittedAt = receivedAt = NgayTiepNhan, dueAt = NgayHenTra,
//             applicant { name = ChuHoSo/HoTen, citizenId = ChuHoSo/SoCCCD }, form {}, documents [] }
//
// Each feed's cursor is the highest Ma applied, read back from interconnect_messages (the ids carry Ma), so
// it survives restarts with no table of its own; changes passed over advance it only in memory (after a
// restart they are read and passed over again, which is harmless).
import { createHash } from 'node:crypto';
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { sql } from 'kysely';
import type { Db } from '../../db/connect.js';
import { findVersionInForce } from '../../catalog/store.js';
import type { BlobStore } from '../../documents/blob-store.js';
import { vnDate } from '../../lib/dates.js';
import { DomainError } from '../../lib/errors.js';
import { templateInForce } from '../../workflow/templates-store.js';
import { DeliveryError, type DirectoryMember, type Envelope } from '../types.js';

/** The vendor's TrangThai codes (see the table above). */
const TRANG_THAI = { received: 1, processing: 2, finished: 4, refused: 5, withdrawn: 6 } as const;
/** MaLoi codes the vendor documents as transient: worth trying again later. */
const TRANSIENT_MALOI = new Set(['9']);
/** MaLoi on a withdrawal meaning there is nothing left to withdraw: 2 unknown dossier, 3 already finished. */
const NOTHING_TO_WITHDRAW = new Set(['2', '3']);
/** the vendor pages its change feed by 100 */
const FEED_PAGE = 100;
const MAX_PAGES_PER_TICK = 20;

const VN_OFFSET_MS = 7 * 3600_000;

/** Conflicts that may clear by themselves (another writer, a dossier not there yet): tried again. */
const TRANSIENT_CONFLICTS = new Set(['concurrent_change', 'unknown_dossier']);

/**
 * True when applying the change can never succeed as it is: a domain rule refuses it (Invalid,
 * Forbidden, a Conflict other than a concurrent change). Not found, concurrent changes and any
 * other error (the database, a bug) are worth trying again.
 */
export function isPermanentApplyFailure(err: unknown): boolean {
  if (!(err instanceof DomainError)) return false;
  if (err.code === 'not_found' || err.code === 'too_many_requests') return false;
  if (err.code === 'conflict' && (err.reason === undefined || TRANSIENT_CONFLICTS.has(err.reason))) return false;
  return true;
}

/** An instant as the vendor writes it: Vietnam local time (UTC+7, no DST), yyyyMMddHHmmss, seconds truncated. */
function toVendorTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new DeliveryError(`cannot express ${JSON.stringify(iso)} as a date for the foreign system`, false);
  return new Date(ms + VN_OFFSET_MS).toISOString().replace(/\.\d{3}Z$/, '').replace(/\D/g, '');
}

/** The vendor's yyyyMMddHHmmss (UTC+7) as ISO UTC; null when it is not such a time. */
function fromVendorTime(s: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+07:00`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

// every value is read as text (MaHoSo and codes must not become numbers); repeated elements as arrays
const parser = new XMLParser({ parseTagValue: false, ignoreDeclaration: true, trimValues: true, isArray: (name) => name === 'ThayDoi' || name === 'TaiLieu' || name === 'HoSoChuyenDi' });
const builder = new XMLBuilder({ format: false });
const xmlOf = (doc: object) => `<?xml version="1.0" encoding="UTF-8"?>${builder.build(doc)}`;

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const optStr = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The start of an answer, readable in a log line: control characters and runs of blanks become one space. */
function excerpt(raw: string): string {
  return raw.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 80);
}

function endpoint(member: DirectoryMember, path: string): string {
  return `${member.baseUrl.replace(/\/+$/, '')}${path}`;
}

interface VendorAnswer {
  httpStatus: number;
  raw: string;
  /** the parsed document, root element included */
  doc: Rec;
}

/** One call to the vendor, within timeoutMs, answered with XML whose root is `root`; else a readable DeliveryError. */
async function callVendor(
  f: typeof fetch,
  timeoutMs: number,
  url: string,
  root: string,
  init: { method: 'GET' } | { method: 'POST'; xml: string },
): Promise<VendorAnswer> {
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, timeoutMs);
  let httpStatus: number;
  let raw: string;
  try {
    const res = await f(url, {
      method: init.method,
      headers: init.method === 'POST' ? { 'content-type': 'application/xml; charset=utf-8', accept: 'application/xml' } : { accept: 'application/xml' },
      ...(init.method === 'POST' ? { body: init.xml } : {}),
      signal: abort.signal,
    });
    httpStatus = res.status;
    raw = await res.text();
  } catch (err) {
    if (timedOut) throw new DeliveryError(`foreign system did not answer within ${timeoutMs} ms`, true);
    throw new DeliveryError(connectionProblem(err), true);
  } finally {
    clearTimeout(timer);
  }
  let doc: Rec | null = null;
  if (XMLValidator.validate(raw) === true) {
    const parsed = rec(parser.parse(raw));
    if (root in parsed) doc = parsed;
  }
  if (doc === null) {
    if (httpStatus >= 400) throw new DeliveryError(`foreign system answered HTTP ${httpStatus}: ${excerpt(raw)}`, httpStatus >= 500 || httpStatus === 429);
    throw new DeliveryError(`foreign system answered with unreadable XML: ${excerpt(raw)}`, true);
  }
  return { httpStatus, raw, doc };
}

/** fetch fails with a TypeError whose cause carries the socket error code. */
function connectionProblem(err: unknown): string {
  const cause = rec(rec(err).cause);
  const code = str(cause.code);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'foreign system dropped the connection';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `foreign system host not found (${code})`;
  const detail = code || str(cause.message) || (err instanceof Error ? err.message : String(err));
  return `foreign system unreachable: ${detail}`;
}

function receiptOf(member: DirectoryMember, answer: VendorAnswer | null, note?: string): { receipt: string } {
  return {
    receipt: JSON.stringify({
      vendor: member.id,
      status: 'accepted',
      answer: answer?.doc ?? null,
      answerSha256: answer === null ? null : createHash('sha256').update(answer.raw, 'utf8').digest('hex'),
      ...(note === undefined ? {} : { note }),
    }),
  };
}

/** A KetQua answer: MaLoi 0 (or one `tolerated` here) passes; any other is a refusal. */
function checkKetQua(answer: VendorAnswer, tolerated: Set<string> = new Set()): { maLoi: string; moTa: string } {
  const k = rec(answer.doc.KetQua);
  const maLoi = str(k.MaLoi).trim();
  const moTa = str(k.MoTa);
  if (maLoi === '0' || tolerated.has(maLoi)) return { maLoi, moTa };
  if (maLoi === '') throw new DeliveryError(`foreign system answered with unreadable XML: ${excerpt(answer.raw)}`, true);
  throw new DeliveryError(`foreign system refused: MaLoi=${maLoi} MoTa=${moTa}`, TRANSIENT_MALOI.has(maLoi) || answer.httpStatus >= 500);
}

function need(value: string | null, what: string, envelope: Envelope): string {
  if (value === null || value === '') throw new DeliveryError(`${envelope.type} ${envelope.id} lacks ${what}; cannot map it for the foreign system`, false);
  return value;
}

async function submitTransfer(member: DirectoryMember, envelope: Envelope, ctx: { timeoutMs: number; fetch: typeof fetch }) {
  const task = rec(envelope.body.task);
  const dossier = rec(envelope.body.dossier);
  const applicant = rec(dossier.applicant);
  const documents = Array.isArray(dossier.documents) ? dossier.documents.map(rec) : [];
  const dueAt = optStr(task.dueAt);
  const hoSo = {
    HoSo: {
      MaHoSo: need(envelope.dossierRef, 'a dossier code', envelope),
      MaTTHC: need(optStr(dossier.procedure), 'the procedure code', envelope),
      TenTTHC: str(dossier.procedureName),
      DonViXuLy: need(optStr(task.agency), 'the agency', envelope),
      ChuHoSo: { HoTen: str(applicant.name), SoCCCD: str(applicant.citizenId) || str(applicant.taxCode) },
      NgayTiepNhan: toVendorTime(optStr(dossier.receivedAt) ?? envelope.createdAt),
      NgayHenTra: dueAt === null ? '' : toVendorTime(dueAt),
      TaiLieuNop: { TaiLieu: documents.map((d) => ({ TenTaiLieu: str(d.filename), MaHash: str(d.sha256), KichThuoc: str(d.size) })) },
      LyDoChuyen: str(task.reason),
    },
  };
  const answer = await callVendor(ctx.fetch, ctx.timeoutMs, endpoint(member, '/api/hoso'), 'KetQua', { method: 'POST', xml: xmlOf(hoSo) });
  checkKetQua(answer);
  if (str(rec(answer.doc.KetQua).MaHoSoNoiBo) === '') throw new DeliveryError(`foreign system answered with unreadable XML: no MaHoSoNoiBo in ${excerpt(answer.raw)}`, true);
  return receiptOf(member, answer);
}

async function withdrawTransfer(member: DirectoryMember, envelope: Envelope, ctx: { timeoutMs: number; fetch: typeof fetch }) {
  const maHoSo = need(envelope.dossierRef, 'a dossier code', envelope);
  const huy = { HuyHoSo: { MaHoSoNoiBo: str(envelope.body.peerTask), LyDo: str(envelope.body.reason) } };
  const url = endpoint(member, `/api/hoso/${encodeURIComponent(maHoSo)}/huy`);
  const answer = await callVendor(ctx.fetch, ctx.timeoutMs, url, 'KetQua', { method: 'POST', xml: xmlOf(huy) });
  const { maLoi, moTa } = checkKetQua(answer, NOTHING_TO_WITHDRAW);
  // the vendor has no such dossier, or finished it already (its result then arrives through the change feed)
  return receiptOf(member, answer, maLoi === '0' ? undefined : `nothing to withdraw there: MaLoi=${maLoi} MoTa=${moTa}`);
}

/** Our answer on a dossier the vendor sent us, as the vendor's report: TrangThai, GhiChu, LyDo. */
function reportOf(envelope: Envelope): { TrangThai: number; at: string; GhiChu: string; LyDo: string } {
  const b = envelope.body;
  switch (envelope.type) {
    case 'transfer_accepted':
      return { TrangThai: TRANG_THAI.received, at: envelope.createdAt, GhiChu: '', LyDo: '' };
    case 'transfer_rejected':
      return { TrangThai: TRANG_THAI.refused, at: envelope.createdAt, GhiChu: '', LyDo: str(b.reason) || str(b.code) };
    case 'status_change': {
      const event = rec(b.event);
      return { TrangThai: TRANG_THAI.processing, at: optStr(event.at) ?? envelope.createdAt, GhiChu: str(event.label), LyDo: '' };
    }
    default: {
      // step_result
      const at = optStr(b.at) ?? envelope.createdAt;
      if (b.outcome === 'refused') return { TrangThai: TRANG_THAI.refused, at, GhiChu: '', LyDo: Array.isArray(b.reasons) ? b.reasons.map(str).join('; ') : '' };
      return { TrangThai: TRANG_THAI.finished, at, GhiChu: optStr(b.note) ?? str(b.summary), LyDo: '' };
    }
  }
}

/** Reports on one of the vendor's own dossiers (sent to us through its chuyendi feed): POST …/phanhoi. */
async function reportBack(member: DirectoryMember, envelope: Envelope, ctx: { timeoutMs: number; fetch: typeof fetch }) {
  const maHoSo = need(envelope.dossierRef, 'a dossier code', envelope);
  const r = reportOf(envelope);
  const phanHoi = { PhanHoi: { TrangThai: r.TrangThai, ThoiGian: toVendorTime(r.at), GhiChu: r.GhiChu, LyDo: r.LyDo } };
  const url = endpoint(member, `/api/hoso/${encodeURIComponent(maHoSo)}/phanhoi`);
  const answer = await callVendor(ctx.fetch, ctx.timeoutMs, url, 'KetQua', { method: 'POST', xml: xmlOf(phanHoi) });
  checkKetQua(answer);
  return receiptOf(member, answer);
}

/**
 * Delivers one of our outbound messages to a foreign vendor (see the mapping table at the top).
 * Resolves with a JSON receipt note, or throws DeliveryError(readable message, retryable).
 */
export async function deliverForeign(
  member: DirectoryMember,
  envelope: Envelope,
  ctx: { db: Db; blobs: BlobStore; timeoutMs: number; fetch: typeof fetch; now: Date },
): Promise<{ receipt: string }> {
  switch (envelope.type) {
    case 'transfer':
      return submitTransfer(member, envelope, ctx);
    case 'transfer_cancelled':
      return withdrawTransfer(member, envelope, ctx);
    case 'consultation_request':
      throw new DeliveryError(`${member.name} (foreign system) does not take consultation requests through its API`, false);
    // the vendor never holds a mirror of OUR dossiers, so these are always about one of ITS dossiers
    // that it sent us (the chuyendi feed): they are reported back on that dossier
    case 'transfer_accepted':
    case 'transfer_rejected':
    case 'status_change':
    case 'step_result':
      return reportBack(member, envelope, ctx);
    default:
      return receiptOf(member, null, `${envelope.type}: not applicable for this vendor`);
  }
}

// ---------------------------------------------------------------------------------------------
// Inbound: the change feed

interface VendorChange {
  Ma: number;
  MaHoSo: string;
  MaHoSoNoiBo: string;
  TrangThai: number;
  /** ISO UTC */
  at: string;
  GhiChu: string;
  LyDo: string;
}

function readChanges(answer: VendorAnswer): VendorChange[] {
  const list = answer.doc.DanhSachThayDoi;
  const items = Array.isArray(rec(list).ThayDoi) ? (rec(list).ThayDoi as unknown[]) : [];
  return items.map((item) => {
    const c = rec(item);
    const ma = Number(str(c.Ma));
    const trangThai = Number(str(c.TrangThai));
    const at = fromVendorTime(str(c.ThoiGian));
    if (!Number.isSafeInteger(ma) || ma <= 0 || !Number.isInteger(trangThai) || at === null || str(c.MaHoSo) === '') {
      throw new DeliveryError(`foreign system answered with unreadable XML: a change lacks Ma, MaHoSo, TrangThai or ThoiGian (${excerpt(JSON.stringify(c))})`, true);
    }
    return { Ma: ma, MaHoSo: str(c.MaHoSo), MaHoSoNoiBo: str(c.MaHoSoNoiBo), TrangThai: trangThai, at, GhiChu: str(c.GhiChu), LyDo: str(c.LyDo) };
  });
}

/** One of the vendor's own dossiers sent out to an agency of ours (its chuyendi feed). */
interface VendorOutgoing {
  Ma: number;
  MaHoSo: string;
  MaTTHC: string;
  TenTTHC: string;
  DonViGui: string;
  DonViNhan: string;
  /** ISO UTC */
  receivedAt: string;
  /** ISO UTC, null when none */
  dueAt: string | null;
  /** ISO UTC: when it was sent out (its intake when the vendor does not say) */
  at: string;
  HoTen: string;
  SoCCCD: string;
  NoiDung: string;
}

function readOutgoing(answer: VendorAnswer): VendorOutgoing[] {
  const list = rec(answer.doc.DanhSachChuyenDi);
  const items = Array.isArray(list.HoSoChuyenDi) ? (list.HoSoChuyenDi as unknown[]) : [];
  return items.map((item) => {
    const o = rec(item);
    const ma = Number(str(o.Ma));
    const receivedAt = fromVendorTime(str(o.NgayTiepNhan));
    const missing = !Number.isSafeInteger(ma) || ma <= 0 || receivedAt === null || ['MaHoSo', 'MaTTHC', 'DonViGui', 'DonViNhan'].some((k) => str(o[k]) === '');
    if (missing) throw new DeliveryError(`foreign system answered with unreadable XML: an outgoing dossier lacks Ma, MaHoSo, MaTTHC, DonViGui, DonViNhan or NgayTiepNhan (${excerpt(JSON.stringify(o))})`, true);
    const chu = rec(o.ChuHoSo);
    return {
      Ma: ma, MaHoSo: str(o.MaHoSo), MaTTHC: str(o.MaTTHC), TenTTHC: str(o.TenTTHC), DonViGui: str(o.DonViGui), DonViNhan: str(o.DonViNhan), receivedAt,
      dueAt: fromVendorTime(str(o.NgayHenTra)), at: fromVendorTime(str(o.ThoiGian)) ?? receivedAt, HoTen: str(chu.HoTen), SoCCCD: str(chu.SoCCCD), NoiDung: str(o.NoiDung),
    };
  });
}

export interface ForeignPollerOptions {
  db: Db;
  member: DirectoryMember;
  self: string;
  fetch: typeof fetch;
  pollMs: number;
  timeoutMs: number;
  log: { warn(o: object, m: string): void; info(o: object, m: string): void };
  now: () => Date;
  apply: (envelope: Envelope) => Promise<void>;
}

/** One feed of the vendor, read page by page from a cursor kept in the ids of the in-rows it produced. */
interface Feed<T extends { Ma: number; MaHoSo: string }> {
  /** for the logs: "change feed", "outgoing dossier feed" */
  name: string;
  /** the ids of its messages: `${prefix}${Ma}` */
  prefix: string;
  /** ids of another feed that start with `prefix` too: not part of this cursor */
  exclude: string | null;
  path: string;
  root: string;
  read: (answer: VendorAnswer) => T[];
  translate: (item: T) => Promise<Envelope | null>;
  /** whether an apply failure can never clear (refused and passed over) */
  permanent: (err: unknown) => boolean;
  /** the highest Ma dealt with; null = read it from interconnect_messages on the next tick */
  cursor: number | null;
  /** the last problem reading the feed logged, so a feed that stays unreadable is logged once, not every tick */
  problem: string | null;
  /** the last item that could not be applied and why, so an item that keeps failing is logged once */
  applyProblem: string | null;
}

/**
 * Polls a foreign vendor's two feeds and applies each item as one of our messages (tables at the
 * top): its change feed (statuses of our dossiers it holds), then — when the vendor answered that —
 * its outgoing dossier feed (its own dossiers sent to agencies we host).
 */
export class ForeignPoller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private readonly changes: Feed<VendorChange>;
  private readonly outgoing: Feed<VendorOutgoing>;

  constructor(private readonly opts: ForeignPollerOptions) {
    const prefix = `foreign-xml:${opts.member.id}:`;
    this.changes = {
      name: 'change feed', prefix, exclude: `${prefix}out:`, path: '/api/hoso/thaydoi', root: 'DanhSachThayDoi', read: readChanges,
      translate: (c) => this.translate(c), permanent: isPermanentApplyFailure, cursor: null, problem: null, applyProblem: null,
    };
    this.outgoing = {
      name: 'outgoing dossier feed', prefix: `${prefix}out:`, exclude: null, path: '/api/hoso/chuyendi', root: 'DanhSachChuyenDi', read: readOutgoing,
      translate: (o) => this.translateOutgoing(o),
      // a transfer the handler finds no dossier for is one it will never take (our own dossier by that code)
      permanent: (err) => isPermanentApplyFailure(err) || (err instanceof DomainError && err.code === 'not_found'),
      cursor: null, problem: null, applyProblem: null,
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.tick().finally(() => {
        this.running = null;
        if (!this.stopped) this.schedule(this.opts.pollMs);
      });
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    // a vendor that is down or answers junk is reported once, by the change feed
    if ((await this.drain(this.changes)) && !this.stopped) await this.drain(this.outgoing);
  }

  /** Reads a feed from its cursor and applies what is new. False when the vendor did not answer it readably. */
  private async drain<T extends { Ma: number; MaHoSo: string }>(feed: Feed<T>): Promise<boolean> {
    const { member, log } = this.opts;
    try {
      for (let page = 0; page < MAX_PAGES_PER_TICK && !this.stopped; page++) {
        feed.cursor ??= await this.storedCursor(feed);
        const url = endpoint(member, `${feed.path}?tu=${feed.cursor}`);
        const items = feed.read(await callVendor(this.opts.fetch, this.opts.timeoutMs, url, feed.root, { method: 'GET' }));
        this.healthy(feed);
        for (const item of items) {
          if (item.Ma <= feed.cursor) continue; // the feed repeating itself: already dealt with
          const envelope = await feed.translate(item);
          if (envelope !== null) {
            try {
              await this.opts.apply(envelope);
            } catch (err) {
              const error = err instanceof Error ? err.message : String(err);
              if (feed.permanent(err)) {
                // it would fail the same way forever and hold back every later item: refuse it, go on
                await this.refuse(envelope, error);
                log.warn({ member: member.id, feed: feed.name, change: item.Ma, dossier: item.MaHoSo, message: envelope.id, error }, 'foreign change refused: it cannot be applied; going on with the next');
                feed.cursor = item.Ma;
                continue;
              }
              // the same item is tried again next tick; the cursor is re-read from what was applied
              const key = `${item.Ma}|${error}`;
              if (feed.applyProblem !== key) {
                feed.applyProblem = key;
                log.warn({ member: member.id, feed: feed.name, change: item.Ma, dossier: item.MaHoSo, message: envelope.id, error }, 'foreign change could not be applied; trying again next poll');
              }
              feed.cursor = null;
              return true;
            }
          }
          feed.cursor = item.Ma;
        }
        if (items.length < FEED_PAGE) return true;
      }
      return true;
    } catch (err) {
      this.trouble(feed, err instanceof Error ? err.message : String(err));
      return false;
    }
  }

  /**
   * Records a change that can never be applied: a refusal row (what the operations page lists) and
   * an in-row with status 'refused' (what the cursor is read from), in one transaction.
   */
  private async refuse(envelope: Envelope, reason: string): Promise<void> {
    const at = this.opts.now().toISOString();
    const detail = `foreign change ${envelope.id} (${envelope.type}, dossier ${envelope.dossierRef ?? '-'}) cannot be applied: ${reason}`.slice(0, 1000);
    const body = JSON.stringify(envelope.body);
    try {
      await this.opts.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('interconnect_refusals')
          .values({
            at,
            peer: this.opts.member.id,
            message_id: envelope.id,
            code: 'invalid_message',
            detail,
            request_hash: createHash('sha256').update(JSON.stringify(envelope), 'utf8').digest('hex'),
            receipt: JSON.stringify({ vendor: this.opts.member.id, status: 'refused', error: { code: 'invalid_message', message: detail } }),
          })
          .execute();
        await tx
          .insertInto('interconnect_messages')
          .values({
            direction: 'in', message_id: envelope.id, peer: this.opts.member.id, type: envelope.type, dossier_ref: envelope.dossierRef, created_at: envelope.createdAt,
            body, attachments: JSON.stringify(envelope.attachments), jws: null, receipt: null, status: 'refused', attempts: 1, next_attempt_at: null,
            last_error: `via adapter; refused: ${reason}`.slice(0, 2000), done_at: at,
          })
          .execute();
      });
    } catch (err) {
      // e.g. the id is held by a row of another member: the change is passed over in memory only
      this.opts.log.warn({ member: this.opts.member.id, message: envelope.id, error: err instanceof Error ? err.message : String(err) }, 'foreign change refusal could not be recorded');
    }
  }

  private healthy(feed: { name: string; problem: string | null }): void {
    if (feed.problem === null) return;
    this.opts.log.info({ member: this.opts.member.id }, `foreign system ${feed.name} readable again`);
    feed.problem = null;
  }

  private trouble(feed: { name: string; problem: string | null }, message: string): void {
    if (feed.problem === message) return;
    feed.problem = message;
    this.opts.log.warn({ member: this.opts.member.id, error: message }, `foreign system ${feed.name} poll failed; trying again next poll`);
  }

  /** The highest Ma among the feed's items already applied (0 when none). */
  private async storedCursor(feed: { prefix: string; exclude: string | null }): Promise<number> {
    const from = feed.prefix.length + 1;
    let q = this.opts.db
      .selectFrom('interconnect_messages')
      .select(sql<number | string | null>`max(cast(substr(message_id, ${sql.lit(from)}) as integer))`.as('ma'))
      .where('direction', '=', 'in')
      .where('peer', '=', this.opts.member.id)
      .where('message_id', 'like', `${feed.prefix}%`);
    // the other feed's ids share the prefix (and do not cast to a number in PostgreSQL)
    if (feed.exclude !== null) q = q.where('message_id', 'not like', `${feed.exclude}%`);
    const row = await q.executeTakeFirst();
    return row?.ma === null || row?.ma === undefined ? 0 : Number(row.ma);
  }

  /** Our open task held by the member for that dossier: the one the vendor already named, else the latest. */
  private async ourTask(change: VendorChange) {
    const tasks = await this.opts.db
      .selectFrom('dossier_tasks as t')
      .innerJoin('dossiers as d', 'd.id', 't.dossier_id')
      .innerJoin('agencies as a', 'a.id', 't.agency_id')
      .select(['t.id', 't.step_id', 't.remote_ref', 'a.code as agency'])
      .where('d.code', '=', change.MaHoSo)
      .where('t.remote_member', '=', this.opts.member.id)
      .where('t.status', '=', 'open')
      .orderBy('t.id', 'desc')
      .execute();
    return tasks.find((t) => t.remote_ref !== null && t.remote_ref === change.MaHoSoNoiBo) ?? tasks.find((t) => t.remote_ref === null) ?? tasks[0] ?? null;
  }

  private async translate(change: VendorChange): Promise<Envelope | null> {
    const { member, self, log } = this.opts;
    const pass = (why: string) => {
      log.info({ member: member.id, change: change.Ma, dossier: change.MaHoSo, trangThai: change.TrangThai }, `foreign change passed over: ${why}`);
      return null;
    };
    if (change.TrangThai === TRANG_THAI.withdrawn) return pass('a withdrawal we asked for');
    if (!(Object.values(TRANG_THAI) as number[]).includes(change.TrangThai)) return pass('unknown TrangThai');
    const task = await this.ourTask(change);
    if (task === null) return pass('no open task of ours is held by this member for the dossier');

    let type: Envelope['type'];
    let body: Record<string, unknown>;
    const stepResult = { peerTask: change.MaHoSoNoiBo, at: change.at, agency: task.agency, to: null, note: change.GhiChu || null, summary: change.GhiChu || null, eResult: null, documents: [] };
    switch (change.TrangThai) {
      case TRANG_THAI.received:
        type = 'transfer_accepted';
        body = { taskRef: String(task.id), peerTask: change.MaHoSoNoiBo };
        break;
      case TRANG_THAI.processing:
        type = 'status_change';
        body = { event: { type: 'foreign_status', at: change.at, agency: task.agency, step: task.step_id, actorRole: 'specialist', label: 'Đang xử lý' }, closed: [], opened: [] };
        break;
      case TRANG_THAI.finished:
        type = 'step_result';
        body = { ...stepResult, outcome: 'handed_over', reasons: [] };
        break;
      default: // refused
        type = 'step_result';
        body = { ...stepResult, outcome: 'refused', reasons: change.LyDo ? [change.LyDo] : [] };
    }
    return {
      v: 1,
      id: `${this.changes.prefix}${change.Ma}`,
      from: member.id,
      to: self,
      type,
      createdAt: change.at,
      sentAt: change.at,
      dossierRef: change.MaHoSo,
      body,
      attachments: [],
    };
  }

  /**
   * The step of OUR workflow the vendor's dossier comes to: in the template in force for the
   * procedure on the day the vendor received it (as the transfer handler will read it), the step
   * whose agency is fixed to the agency the vendor named. None: null, and the handler rejects it.
   */
  private async stepFor(o: VendorOutgoing): Promise<{ id: string; role: string } | null> {
    const { db } = this.opts;
    const day = vnDate(new Date(o.receivedAt));
    const version = (await findVersionInForce(db, o.MaTTHC, day)) ?? (await findVersionInForce(db, o.MaTTHC, vnDate(this.opts.now())));
    if (!version) return null;
    const { definition } = await templateInForce(db, version, day);
    const step = definition.steps.find((s) => s.agency.kind === 'fixed' && s.agency.code === o.DonViNhan);
    return step ? { id: step.id, role: step.role } : null;
  }

  /** The vendor's own dossier sent to an agency of ours, as the vendor's `transfer` of a step to us. */
  private async translateOutgoing(o: VendorOutgoing): Promise<Envelope> {
    const { member, self } = this.opts;
    const step = await this.stepFor(o);
    const applicant = { name: o.HoTen, ...(o.SoCCCD ? { citizenId: o.SoCCCD } : {}) };
    return {
      v: 1,
      id: `${this.outgoing.prefix}${o.Ma}`,
      from: member.id,
      to: self,
      type: 'transfer',
      createdAt: o.at,
      sentAt: o.at,
      dossierRef: o.MaHoSo,
      body: {
        task: {
          // the vendor's dossier is its task: our answers go back on it (POST /api/hoso/{MaHoSo}/phanhoi)
          ref: o.MaHoSo, kind: 'step', stepId: step?.id ?? '', agency: o.DonViNhan, role: step?.role ?? 'specialist', dueAt: o.dueAt, priority: 0, fromAgency: o.DonViGui,
          ...(o.NoiDung ? { reason: o.NoiDung } : {}),
        },
        dossier: {
          code: o.MaHoSo, procedure: o.MaTTHC, procedureName: o.TenTTHC, receivingAgency: o.DonViGui, channel: 'in_person', submittedAt: o.receivedAt, receivedAt: o.receivedAt,
          dueAt: o.dueAt, applicant, form: {}, documents: [],
        },
      },
      attachments: [],
    };
  }
}
