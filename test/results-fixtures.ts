// Test data of signed e-results (used by test/results*.test.ts, the authorization matrix and the
// browser test): evidence types on test procedures, and a result issued straight into a dossier.
import path from 'node:path';
import type { EvidenceType } from '../src/catalog/evidence.js';
import { saveEvidenceTypes } from '../src/catalog/evidence.js';
import type { ProcedureRecord } from '../src/catalog/schemas.js';
import type { Db } from '../src/db/connect.js';
import { BlobStore } from '../src/documents/blob-store.js';
import { issueResult } from '../src/results/issue.js';
import { procedure } from './support/fixtures.js';

/** A birth registration that issues a birth certificate, and a correction that amends it. */
export const ISSUE_PROC = '9.100001';
export const AMEND_PROC = '9.100002';
/** a re-issue at the end of validity, and a cancellation */
export const RENEW_PROC = '9.100003';
export const CANCEL_PROC = '9.100004';

export const BIRTH_TYPE: EvidenceType = {
  code: 'test-khai-sinh',
  name: 'Giấy khai sinh',
  nameEn: 'Birth certificate',
  registry: 'citizens',
  procedures: [ISSUE_PROC],
  amendedBy: [AMEND_PROC],
  renewedBy: [RENEW_PROC],
  cancelledBy: [CANCEL_PROC],
  fields: [
    { key: 'citizenId', label: 'Số định danh cá nhân', labelEn: 'Personal identification number', kind: 'citizen_id', required: true, registryColumn: 'citizen_id' },
    { key: 'fullName', label: 'Họ, chữ đệm, tên', labelEn: 'Full name', kind: 'text', required: true, from: 'form.hoTen', registryColumn: 'full_name' },
    { key: 'birthDate', label: 'Ngày, tháng, năm sinh', labelEn: 'Date of birth', kind: 'date', required: true, from: 'form.ngaySinh', registryColumn: 'birth_date' },
    { key: 'gender', label: 'Giới tính', labelEn: 'Gender', kind: 'gender', required: true, from: 'form.gioiTinh', registryColumn: 'gender' },
    { key: 'placeOfBirth', label: 'Nơi sinh', labelEn: 'Place of birth', kind: 'text', required: false },
  ],
};

const formSchema: ProcedureRecord['formSchema'] = {
  type: 'object',
  required: ['hoTen'],
  properties: {
    hoTen: { type: 'string', title: 'Họ và tên', minLength: 1 },
    ngaySinh: { type: 'string', title: 'Ngày sinh' },
    gioiTinh: { type: 'string', title: 'Giới tính' },
  },
};

export function resultProcedures(): ProcedureRecord[] {
  return [
    procedure({ nationalCode: ISSUE_PROC, name: 'Đăng ký khai sinh (kết quả điện tử)', timeLimit: { value: 5, unit: 'working_days' }, formSchema }),
    procedure({ nationalCode: AMEND_PROC, name: 'Cải chính hộ tịch (kết quả điện tử)', timeLimit: { value: 5, unit: 'working_days' }, formSchema }),
    procedure({ nationalCode: RENEW_PROC, name: 'Cấp lại giấy khai sinh (kết quả điện tử)', timeLimit: { value: 5, unit: 'working_days' }, formSchema }),
    procedure({ nationalCode: CANCEL_PROC, name: 'Hủy việc đăng ký khai sinh (kết quả điện tử)', timeLimit: { value: 5, unit: 'working_days' }, formSchema }),
  ];
}

export async function saveTestEvidenceTypes(db: Db, now: Date): Promise<void> {
  await saveEvidenceTypes(db, [BIRTH_TYPE], now);
}

/** A CCCD consistent with a birth in 2026 (century digit 2/3) of the given gender, province 031. */
export function childCitizenId(gender: 'male' | 'female', tail = '123456'): string {
  return `031${gender === 'female' ? 3 : 2}26${tail}`;
}

/** Issues a result straight into an existing dossier (no workflow): for tests that need one quickly. */
export async function issueInto(db: Db, dataDir: string, dossierCode: string, now: Date, fields?: Record<string, string>): Promise<{ serial: string; sha256: string }> {
  await saveTestEvidenceTypes(db, now);
  const d = await db.selectFrom('dossiers').select(['id', 'receiving_agency_id']).where('code', '=', dossierCode).executeTakeFirstOrThrow();
  return db.transaction().execute((tx) =>
    issueResult(tx, { blobs: new BlobStore(path.join(dataDir, 'blobs')), signing: { dir: path.join(dataDir, 'signing'), p12Passphrase: '' }, publicUrl: 'http://127.0.0.1:3000' }, {
      dossierId: d.id, issuerAgencyId: d.receiving_agency_id, actorId: null, evidenceType: BIRTH_TYPE, relation: 'issue',
      fields: fields ?? { citizenId: childCitizenId('female'), fullName: 'Nguyễn Thị Bé', birthDate: '2026-02-01', gender: 'female' }, now,
    }),
  );
}
