// Demo accounts for trying the system (README lists them). Created only by the demo seed,
// flagged `demo` in the database, all with one published password: never for production.
import type { Db } from '../db/connect.js';
import { vnDate } from '../lib/dates.js';
import { hashPassword } from './passwords.js';
import type { Role } from './schemas.js';
import { findAccountByEmail, findAgencyByCode, insertAccount, insertDelegation, insertGrant } from './store.js';

export const DEMO_PASSWORD = 'MotCua@2026demo';
const DOMAIN = 'demo.motcua.vn';

const UNITS = [
  { key: 'hongbang', agency: '000.00.21.H31' },
  { key: 'ngoquyen', agency: '000.00.22.H31' },
  { key: 'tuphap', agency: '000.00.02.H31' },
] as const;

const ROLE_PEOPLE: { prefix: string; role: Role; names: [string, string, string] }[] = [
  { prefix: 'tiepnhan', role: 'desk_officer', names: ['Phạm Thị Hoa', 'Lê Minh Tuấn', 'Đỗ Thu Trang'] },
  { prefix: 'chuyenvien', role: 'specialist', names: ['Vũ Đức Long', 'Hoàng Thị Mai', 'Bùi Quang Huy'] },
  { prefix: 'truongphong', role: 'unit_head', names: ['Ngô Văn Thắng', 'Đặng Thị Lan', 'Trịnh Công Sơn'] },
  { prefix: 'lanhdao', role: 'agency_leader', names: ['Nguyễn Hữu Nghĩa', 'Phan Thị Hạnh', 'Lý Văn Bình'] },
  { prefix: 'giamsat', role: 'supervisor', names: ['Cao Thị Ngọc', 'Tạ Văn Hùng', 'Mai Thị Thu'] },
  { prefix: 'quantri', role: 'agency_admin', names: ['Dương Văn Khoa', 'Lương Thị Yến', 'Hồ Minh Đức'] },
];

export interface DemoOfficer {
  email: string;
  fullName: string;
  role: Role;
  agencyCode: string;
}

export function demoOfficers(): DemoOfficer[] {
  const list: DemoOfficer[] = [
    { email: `quantri.hethong@${DOMAIN}`, fullName: 'Quản trị hệ thống', role: 'system_admin', agencyCode: '000.00.00.H31' },
    { email: `giamsat.thanhpho@${DOMAIN}`, fullName: 'Trần Văn Giám', role: 'supervisor', agencyCode: '000.00.00.H31' },
  ];
  for (const p of ROLE_PEOPLE) UNITS.forEach((u, i) => list.push({ email: `${p.prefix}.${u.key}@${DOMAIN}`, fullName: p.names[i]!, role: p.role, agencyCode: u.agency }));
  // the other agencies of the birth group (DOMAIN.md §7): the ward's police and social insurance
  list.push(
    { email: `chuyenvien.conganhvt@${DOMAIN}`, fullName: 'Trần Quốc Việt', role: 'specialist', agencyCode: '001.02.21.H31' },
    { email: `truongphong.conganhvt@${DOMAIN}`, fullName: 'Lê Thị Nga', role: 'unit_head', agencyCode: '001.02.21.H31' },
    { email: `lanhdao.conganhvt@${DOMAIN}`, fullName: 'Hoàng Minh Tiến', role: 'agency_leader', agencyCode: '001.02.21.H31' },
    { email: `chuyenvien.bhxh@${DOMAIN}`, fullName: 'Nguyễn Thị Thảo', role: 'specialist', agencyCode: '000.00.43.H31' },
    { email: `truongphong.bhxh@${DOMAIN}`, fullName: 'Phạm Văn Dũng', role: 'unit_head', agencyCode: '000.00.43.H31' },
    { email: `lanhdao.bhxh@${DOMAIN}`, fullName: 'Vũ Thị Hằng', role: 'agency_leader', agencyCode: '000.00.43.H31' },
  );
  return list;
}

export const DEMO_APPLICANTS = [
  { kind: 'citizen' as const, email: `an.nguyen@${DOMAIN}`, fullName: 'Nguyễn Văn An', citizenId: '031090001234', dateOfBirth: '1990-03-15', gender: 'male', phone: '0912 345 678', address: 'Số 5 Lê Lợi, phường Máy Chai, quận Ngô Quyền, Hải Phòng' },
  { kind: 'citizen' as const, email: `binh.tran@${DOMAIN}`, fullName: 'Trần Thị Bình', citizenId: '031195004321', dateOfBirth: '1995-08-02', gender: 'female', phone: '0987 654 321', address: 'Số 12 Hoàng Văn Thụ, quận Hồng Bàng, Hải Phòng' },
  { kind: 'business' as const, email: `congty.haiau@${DOMAIN}`, fullName: 'Công ty TNHH Thương mại Hải Âu', taxCode: '0201234569', phone: '0225 3123 456', address: 'Số 1 Điện Biên Phủ, quận Hồng Bàng, Hải Phòng' },
];

/** Creates the demo accounts that are missing; returns how many were created. */
export async function seedDemoAccounts(db: Db, now: Date): Promise<number> {
  const at = now.toISOString();
  const hash = await hashPassword(DEMO_PASSWORD);
  let created = 0;
  await db.transaction().execute(async (tx) => {
    for (const o of demoOfficers()) {
      const agency = await findAgencyByCode(tx, o.agencyCode);
      if (!agency || (await findAccountByEmail(tx, o.email))) continue;
      const id = await insertAccount(tx, { kind: 'officer', email: o.email, passwordHash: hash, fullName: o.fullName, emailVerifiedAt: at, demo: true }, at);
      await insertGrant(tx, { accountId: id, role: o.role, agencyId: agency.id, validFrom: vnDate(now), validTo: null, grantedBy: null }, at);
      created++;
    }
    const ids: number[] = [];
    for (const a of DEMO_APPLICANTS) {
      const existing = await findAccountByEmail(tx, a.email);
      if (existing) {
        ids.push(existing.id);
        continue;
      }
      ids.push(await insertAccount(tx, { ...a, passwordHash: hash, emailVerifiedAt: at, demo: true }, at));
      created++;
    }
    // Nguyễn Văn An may act for Công ty Hải Âu
    if (created > 0 && ids[0] && ids[2]) await insertDelegation(tx, ids[2], ids[0], at);
  });
  return created;
}
