// A small, hand-made catalog for tests whose assertions need exact contents.
// (The real reference data in seed/catalog.json has its own tests.)
import type { AgencyRecord, CatalogFile, ProcedureRecord } from '../../src/catalog/schemas.js';

const agency = (code: string, parentCode: string | null, name: string, level: AgencyRecord['level']): AgencyRecord => ({
  code, parentCode, name, shortName: name.replace('Ủy ban nhân dân', 'UBND'), level, address: 'Hải Phòng', hasOneStopDesk: level !== 'city', verified: false, note: 'test data',
});

export function procedure(overrides: Partial<ProcedureRecord> & Pick<ProcedureRecord, 'nationalCode' | 'name'>): ProcedureRecord {
  return {
    effectiveFrom: '2019-01-01',
    fieldCode: 'ho-tich',
    levels: ['commune'],
    applicantTypes: ['citizen'],
    onlineLevel: 'full',
    timeLimit: { value: 0, unit: 'working_days' },
    documents: [{ code: 'to-khai', name: 'Tờ khai theo mẫu', form: 'original', count: 1, mandatory: true, fromDataStore: false }],
    fees: [],
    steps: ['Nộp hồ sơ', 'Nhận kết quả'],
    resultType: 'Giấy chứng nhận',
    legalBasis: [{ title: 'Luật Hộ tịch', number: '60/2014/QH13', issuedOn: '2014-11-20' }],
    formSchema: { type: 'object', required: ['hoTen'], properties: { hoTen: { type: 'string', title: 'Họ và tên', minLength: 1 } } },
    verified: false,
    note: 'test data',
    ...overrides,
  };
}

export function smallCatalog(): CatalogFile {
  return {
    formatVersion: 1,
    fields: [
      { code: 'ho-tich', name: 'Hộ tịch', nameEn: 'Civil status' },
      { code: 'ly-lich-tu-phap', name: 'Lý lịch tư pháp', nameEn: 'Judicial records' },
      { code: 'chung-thuc', name: 'Chứng thực', nameEn: 'Certification' },
    ],
    agencies: [
      agency('000.00.00.H31', null, 'Ủy ban nhân dân thành phố Hải Phòng', 'city'),
      agency('000.00.02.H31', '000.00.00.H31', 'Sở Tư pháp', 'department'),
      agency('000.00.21.H31', '000.00.00.H31', 'Ủy ban nhân dân quận Hồng Bàng', 'district'),
      agency('000.01.21.H31', '000.00.21.H31', 'Ủy ban nhân dân phường Hoàng Văn Thụ', 'commune'),
      agency('000.00.40.H31', '000.00.00.H31', 'Công an thành phố Hải Phòng', 'central'),
    ],
    procedures: [
      procedure({ nationalCode: '1.001193', name: 'Đăng ký khai sinh', nameEn: 'Birth registration' }),
      procedure({
        nationalCode: '1.000656',
        name: 'Đăng ký khai tử',
        // mentions "khai sinh" only outside its name: ranks after name matches
        documents: [{ code: 'giay-bao-tu', name: 'Giấy báo tử; bản sao Giấy khai sinh của người chết', form: 'copy', count: 1, mandatory: true, fromDataStore: true }],
      }),
      procedure({
        nationalCode: '2.000815',
        name: 'Chứng thực bản sao từ bản chính',
        fieldCode: 'chung-thuc',
        onlineLevel: 'partial',
        fees: [{ name: 'Lệ phí chứng thực', amountVnd: 2000, conditions: 'mỗi trang' }],
      }),
      procedure({
        nationalCode: '2.000488',
        name: 'Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam',
        fieldCode: 'ly-lich-tu-phap',
        levels: ['city'],
        agencyCodes: ['000.00.02.H31'],
        onlineLevel: 'partial',
        timeLimit: { value: 10, unit: 'working_days' },
        fees: [{ name: 'Phí cấp Phiếu lý lịch tư pháp', amountVnd: 200000 }],
        effectiveTo: '2026-07-01',
      }),
      procedure({
        nationalCode: '2.000488',
        name: 'Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam',
        fieldCode: 'ly-lich-tu-phap',
        levels: ['central'],
        agencyCodes: ['000.00.40.H31'],
        onlineLevel: 'full',
        timeLimit: { value: 10, unit: 'working_days' },
        fees: [{ name: 'Phí cấp Phiếu lý lịch tư pháp', amountVnd: 200000 }],
        effectiveFrom: '2026-07-01',
      }),
    ],
    groups: [
      {
        code: 'khai-sinh-khai-tu',
        name: 'Nhóm thử nghiệm',
        description: 'Hai thủ tục hộ tịch',
        receivingLevel: 'commune',
        timeLimit: { value: 3, unit: 'working_days' },
        legalBasis: [],
        members: [
          { nationalCode: '1.001193', order: 1, responsibleLevel: 'commune', task: 'Đăng ký khai sinh' },
          { nationalCode: '1.000656', order: 2, responsibleLevel: 'commune', task: 'Đăng ký khai tử' },
        ],
        verified: false,
      },
    ],
  };
}
