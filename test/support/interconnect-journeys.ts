// Steps of the interconnection journeys shared by the journey, fault and foreign-system tests,
// and by the benchmark: a workflow whose verification step belongs to another member, and a
// dossier driven through the first member's desk and examination over real HTTP.
import { HttpSession } from './members.js';

export const HB_WARD = '000.01.21.H31'; // phường Hạ Lý, quận Hồng Bàng
export const NQ_WARD = '000.01.22.H31'; // phường Cầu Đất, quận Ngô Quyền
export const TU_PHAP = '000.00.02.H31'; // Sở Tư pháp (the city's system)
export const CITY_POLICE = '000.00.41.H31'; // Công an thành phố (a foreign vendor's system in the foreign journey)
export const LATE_BIRTH = '1.004884'; // Đăng ký lại khai sinh

/** Examination at the ward, verification at `verifier` (another member), result and return at the ward. */
export function crossTemplate(verifier: string, verifierName = 'Xác minh tại Sở Tư pháp') {
  return {
    steps: [
      { id: 'examine', kind: 'examine', name: 'Thẩm định hồ sơ', agency: { kind: 'receiving' }, role: 'specialist', budget: { value: 1, unit: 'working_days' }, next: ['verify'], actions: ['hand_over', 'consult', 'request_supplement'] },
      { id: 'verify', kind: 'verify', name: verifierName, agency: { kind: 'fixed', code: verifier }, role: 'specialist', budget: { value: 2, unit: 'working_days' }, next: ['issue'], actions: ['hand_over', 'consult'] },
      { id: 'issue', kind: 'issue_result', name: 'Ban hành kết quả', agency: { kind: 'receiving' }, role: 'specialist', budget: { value: 1, unit: 'working_days' }, next: ['return'], actions: ['record_result'] },
      { id: 'return', kind: 'return', name: 'Trả kết quả', agency: { kind: 'receiving' }, role: 'desk_officer', budget: { value: 0, unit: 'working_hours' }, next: [], actions: ['return_result'] },
    ],
  };
}

export async function saveTemplate(base: string, nationalCode: string, definition: unknown): Promise<void> {
  const admin = await HttpSession.login(base, 'quantri.hethong');
  const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
  const res = await admin.post(`/api/admin/workflows/${nationalCode}`, { definition, effectiveFrom: today });
  if (res.status !== 201) throw new Error(`template on ${base}: ${res.status} ${res.text}`);
}

export interface Task { id: number; kind: string; step: string; status: string; actions: string[]; agencyCode: string; dueAt: string | null }
export interface WorkView { status: string; tasks: Task[] }
export interface Detail { status: string; events: { type: string; agencyName: string | null; payload: Record<string, unknown> }[] }

export const LATE_BIRTH_FORM = { hoTen: 'Nguyễn Văn Bình', ngaySinh: '1990-05-12', gioiTinh: 'Nam', noiSinh: 'Hải Phòng', noiDangKyTruocDay: 'UBND phường Cầu Đất, quận Ngô Quyền', nguoiYeuCauHoTen: 'Nguyễn Văn An' };

/** The people of Hồng Bàng's ward who move a dossier from submission to the end of examination. */
export interface WardPeople { citizen: HttpSession; desk: HttpSession; officer: HttpSession }

export async function wardPeople(base: string): Promise<WardPeople> {
  return { citizen: await HttpSession.login(base, 'an.nguyen'), desk: await HttpSession.login(base, 'tiepnhan.hongbang'), officer: await HttpSession.login(base, 'chuyenvien.hongbang') };
}

export async function workView(s: HttpSession, code: string): Promise<WorkView> {
  const r = await s.get<WorkView>(`/api/work/dossiers/${code}`);
  if (r.status !== 200) throw new Error(`work view ${code}: ${r.status} ${r.text}`);
  return r.body;
}

/** Submits and receives a late birth registration at the Hồng Bàng ward; returns its code and the open examination task. */
export async function receivedAtWard(p: WardPeople, label: string): Promise<{ code: string; examine: Task }> {
  const upload = await p.citizen.upload(label);
  const idUpload = await p.citizen.upload(`${label}-cccd`);
  const sub = await p.citizen.post<{ code: string }>('/api/dossiers', { procedure: LATE_BIRTH, agency: HB_WARD, form: LATE_BIRTH_FORM, documents: [{ requirement: 'to-khai', upload }, { requirement: 'giay-to-tuy-than', upload: idUpload }], returnMethod: 'online' }, { 'idempotency-key': `ic-${label}-${Date.now()}` });
  if (sub.status !== 201) throw new Error(`submit: ${sub.status} ${sub.text}`);
  const code = sub.body.code;
  const rec = await p.desk.post(`/api/desk/dossiers/${code}/decision`, { outcome: 'receive' });
  if (rec.status !== 200) throw new Error(`receive: ${rec.status} ${rec.text}`);
  const examine = (await workView(p.officer, code)).tasks.find((t) => t.step === 'examine' && t.status === 'open')!;
  return { code, examine };
}

/** Hands the examined dossier over to the verification step (held by another member). */
export async function handOver(p: WardPeople, code: string, examine: Task): Promise<void> {
  const r = await p.officer.post(`/api/work/dossiers/${code}/actions`, { action: 'hand_over', taskId: examine.id });
  if (r.status !== 200) throw new Error(`hand over: ${r.status} ${r.text}`);
}
