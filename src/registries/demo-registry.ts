// A small demo registry (seed `demo` only): the demo applicants as citizens of the population
// registry and the demo company in the business registry, so "let the agency fetch it from the
// registry" works when trying the system, plus a few neighbours so the admin pages are not empty.
import type { Db } from '../db/connect.js';
import { DEMO_APPLICANTS } from '../identity/demo-accounts.js';
import type { BusinessRecord, CitizenRecord } from './rows.js';
import { seedRecords } from './store.js';

export function demoCitizens(): CitizenRecord[] {
  const people: CitizenRecord[] = [];
  for (const a of DEMO_APPLICANTS) {
    if (a.kind !== 'citizen') continue;
    people.push({ citizenId: a.citizenId, fullName: a.fullName, birthDate: a.dateOfBirth, gender: a.gender as CitizenRecord['gender'], permanentAddress: a.address, householdCode: null });
  }
  people.push(
    { citizenId: '031185007788', fullName: 'Lê Thị Hồng', birthDate: '1985-11-20', gender: 'female', permanentAddress: 'Số 20 Trần Phú, quận Ngô Quyền, Hải Phòng', householdCode: 'HP-NQ-000120' },
    { citizenId: '031078002468', fullName: 'Phạm Văn Cường', birthDate: '1978-06-01', gender: 'male', permanentAddress: 'Số 20 Trần Phú, quận Ngô Quyền, Hải Phòng', householdCode: 'HP-NQ-000120' },
  );
  return people;
}

export function demoBusinesses(): BusinessRecord[] {
  const out: BusinessRecord[] = [];
  for (const a of DEMO_APPLICANTS) {
    if (a.kind !== 'business') continue;
    out.push({ enterpriseCode: a.taxCode, name: a.fullName, address: a.address, legalRepresentative: 'Nguyễn Văn An', legalRepresentativeId: '031090001234', status: 'active', registeredOn: '2015-04-10' });
  }
  return out;
}

/** Adds the demo records that are missing (idempotent). */
export async function seedDemoRegistry(db: Db, now: Date): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await seedRecords(tx, 'citizens', demoCitizens(), now);
    await seedRecords(tx, 'businesses', demoBusinesses(), now);
  });
}
