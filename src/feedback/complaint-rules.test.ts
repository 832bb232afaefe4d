// The complaint rules against hand-worked cases: deadlines on the working-day calendar (weekends
// and Tết skipped), the status table, lateness per stage, and routing to the responsible agency.
import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../calendar/working-time.js';
import { COMPLAINT_STATUSES, complaintActionsIn, complaintDeadlines, isComplaintLate, nextComplaintStatus, routeComplaint } from './complaint-rules.js';
import { formatComplaintCode, hashAccessKey, newAccessKey } from './complaint-code.js';

const cal = new WorkingCalendar({ schedules: [] });
const vn = (local: string) => new Date(`${local}+07:00`);

describe('complaint deadlines', () => {
  it('counts 2 and 15 working days from filing, skipping weekends', () => {
    // filed Friday 27/11/2026 10:00: +2 working days = Tuesday 01/12 10:00; +15 = Friday 18/12 10:00
    const { acceptDueAt, answerDueAt } = complaintDeadlines(cal, vn('2026-11-27T10:00:00'));
    expect(acceptDueAt.toISOString()).toBe(vn('2026-12-01T10:00:00').toISOString());
    expect(answerDueAt.toISOString()).toBe(vn('2026-12-18T10:00:00').toISOString());
  });

  it('skips the Tết holidays (default schedule 2026: 16–20/02)', () => {
    // filed Friday 13/02/2026 09:00: Mon 16 – Fri 20 are Tết; +2 working days = Tuesday 24/02 09:00
    expect(complaintDeadlines(cal, vn('2026-02-13T09:00:00')).acceptDueAt.toISOString()).toBe(vn('2026-02-24T09:00:00').toISOString());
  });

  it('starts the count at the next working morning when filed at the weekend', () => {
    // Saturday 28/11/2026 20:00 → counting starts Monday 30/11 07:30 → two working days end Tuesday 01/12 17:00
    expect(complaintDeadlines(cal, vn('2026-11-28T20:00:00')).acceptDueAt.toISOString()).toBe(vn('2026-12-01T17:00:00').toISOString());
  });
});

describe('complaint statuses', () => {
  it('received → accepted | refused (or transferred); accepted → answered (or transferred); refused and answered are final', () => {
    expect(complaintActionsIn('received')).toEqual(['accept', 'refuse', 'transfer']);
    expect(complaintActionsIn('accepted')).toEqual(['answer', 'transfer']);
    expect(complaintActionsIn('refused')).toEqual([]);
    expect(complaintActionsIn('answered')).toEqual([]);
    expect(nextComplaintStatus('received', 'answer')).toBeNull();
    expect(nextComplaintStatus('received', 'transfer')).toBe('received');
    expect(nextComplaintStatus('accepted', 'answer')).toBe('answered');
    for (const s of COMPLAINT_STATUSES) expect(nextComplaintStatus(s, 'accept') === null).toBe(s !== 'received');
  });

  it('is late past the due time of the stage it is in, or when it was closed after it', () => {
    const base = { acceptDueAt: '2026-12-01T03:00:00.000Z', answerDueAt: '2026-12-18T03:00:00.000Z', decidedAt: null, answeredAt: null };
    expect(isComplaintLate({ ...base, status: 'received' }, new Date('2026-12-01T02:59:00Z'))).toBe(false);
    expect(isComplaintLate({ ...base, status: 'received' }, new Date('2026-12-01T03:01:00Z'))).toBe(true);
    // accepted in time: late only after the answer's due time
    expect(isComplaintLate({ ...base, status: 'accepted', decidedAt: '2026-11-30T03:00:00.000Z' }, new Date('2026-12-10T00:00:00Z'))).toBe(false);
    expect(isComplaintLate({ ...base, status: 'accepted', decidedAt: '2026-11-30T03:00:00.000Z' }, new Date('2026-12-19T00:00:00Z'))).toBe(true);
    // accepted after two working days: handled late, whatever happens next
    expect(isComplaintLate({ ...base, status: 'accepted', decidedAt: '2026-12-02T03:00:00.000Z' }, new Date('2026-12-02T04:00:00Z'))).toBe(true);
    expect(isComplaintLate({ ...base, status: 'answered', decidedAt: '2026-11-30T03:00:00.000Z', answeredAt: '2026-12-17T03:00:00.000Z' }, new Date('2027-01-01T00:00:00Z'))).toBe(false);
    expect(isComplaintLate({ ...base, status: 'answered', decidedAt: '2026-11-30T03:00:00.000Z', answeredAt: '2026-12-18T03:00:01.000Z' }, new Date('2027-01-01T00:00:00Z'))).toBe(true);
    expect(isComplaintLate({ ...base, status: 'refused', decidedAt: '2026-12-01T02:00:00.000Z' }, new Date('2027-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('complaint routing', () => {
  const city = { id: 1, code: '000.00.00.H31', path: '/1/' };
  const district = { id: 2, code: '000.00.21.H31', path: '/1/2/' };
  const ward = { id: 3, code: '000.01.21.H31', path: '/1/2/3/' };
  const dept = { id: 4, code: '000.00.02.H31', path: '/1/4/' };

  it("sends a dossier's complaint to its receiving agency", () => {
    expect(routeComplaint({ subject: 'dossier', receivingAgency: ward })).toEqual({ agency: ward });
  });

  it('sends a procedure complaint to the first agency the procedure names inside the named scope, else to the named agency', () => {
    expect(routeComplaint({ subject: 'procedure', procedureAgencies: [dept, ward], named: null })).toEqual({ agency: dept });
    expect(routeComplaint({ subject: 'procedure', procedureAgencies: [dept, ward], named: district })).toEqual({ agency: ward });
    expect(routeComplaint({ subject: 'procedure', procedureAgencies: [], named: ward })).toEqual({ agency: ward });
    expect(routeComplaint({ subject: 'procedure', procedureAgencies: [], named: null })).toEqual({ missing: 'agencyCode' });
  });

  it('sends an officer or general complaint to the agency named, and asks for one otherwise', () => {
    expect(routeComplaint({ subject: 'officer', named: city })).toEqual({ agency: city });
    expect(routeComplaint({ subject: 'general', named: null })).toEqual({ missing: 'agencyCode' });
  });
});

describe('complaint codes and access keys', () => {
  it('formats PAKN-<agency>-YYMMDD-NNNN', () => {
    expect(formatComplaintCode('000.01.21.H31', '2026-11-27', 7)).toBe('PAKN-000.01.21.H31-261127-0007');
    expect(formatComplaintCode('000.01.21.H31', '2026-11-27', 12345)).toBe('PAKN-000.01.21.H31-261127-12345');
  });

  it('makes 16-character keys without look-alike characters, hashed case-insensitively', () => {
    const keys = new Set(Array.from({ length: 200 }, newAccessKey));
    expect(keys.size).toBe(200);
    for (const k of keys) expect(k).toMatch(/^[2-9A-HJKMNP-Z]{16}$/);
    const k = newAccessKey();
    expect(hashAccessKey(k.toLowerCase())).toBe(hashAccessKey(k));
  });
});
