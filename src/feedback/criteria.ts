// The criteria an applicant rates a dossier on (DOMAIN.md §6, after Circular 01/2018 and
// Decision 766): satisfied or dissatisfied on each. Online service quality is asked only about
// dossiers submitted online. Complaint answers are rated on the complaint itself.
import { Invalid } from '../lib/errors.js';

export const CRITERIA = [
  { code: 'time_vs_rule', vi: 'Thời gian giải quyết so với quy định', en: 'Time taken compared with the legal time limit', description_vi: 'Hồ sơ được giải quyết đúng hoặc sớm hơn thời hạn ghi trên giấy tiếp nhận.', description_en: 'The dossier was resolved on or before the due date on the receipt.' },
  { code: 'contacts', vi: 'Số lần phải liên hệ để hoàn thành thủ tục', en: 'Number of contacts needed', description_vi: 'Ông/Bà không phải đi lại, bổ sung giấy tờ nhiều lần.', description_en: 'You did not have to come back or add papers several times.' },
  { code: 'agencies', vi: 'Số cơ quan phải liên hệ', en: 'Number of agencies contacted', description_vi: 'Ông/Bà chỉ phải làm việc với một đầu mối là Bộ phận Một cửa.', description_en: 'You dealt with one point of contact, the one-stop desk.' },
  { code: 'information_accuracy', vi: 'Tính chính xác của thông tin thủ tục được công khai', en: 'Accuracy of the published procedure information', description_vi: 'Giấy tờ, phí, thời hạn được công khai đúng với thực tế.', description_en: 'The published documents, fees and time limit matched what was asked.' },
  { code: 'officer_attitude', vi: 'Thái độ của cán bộ, công chức', en: 'Attitude of the officers', description_vi: 'Cán bộ hướng dẫn tận tình, lịch sự, không gây phiền hà, sách nhiễu.', description_en: 'Officers were helpful and polite and caused no trouble or harassment.' },
  { code: 'lawful_result_cost', vi: 'Kết quả đúng quy định, chi phí đúng quy định', en: 'Lawful result and cost', description_vi: 'Kết quả và các khoản phí, lệ phí đúng quy định, không phát sinh chi phí ngoài quy định.', description_en: 'The result and fees were as the law sets, with no extra cost.' },
  { code: 'online_service', vi: 'Chất lượng dịch vụ công trực tuyến', en: 'Quality of the online service', description_vi: 'Nộp hồ sơ, theo dõi và nhận kết quả trực tuyến thuận tiện.', description_en: 'Submitting, tracking and receiving the result online was easy.' },
] as const;

export type CriterionCode = (typeof CRITERIA)[number]['code'];
export const CRITERION_CODES: readonly CriterionCode[] = CRITERIA.map((c) => c.code);

export interface Answer {
  criterion: string;
  satisfied: boolean;
}

/** The criteria asked about a dossier: online service only for a dossier submitted online. */
export function criteriaFor(dossierChannel: string): CriterionCode[] {
  return CRITERION_CODES.filter((c) => c !== 'online_service' || dossierChannel === 'online');
}

/** Checks one answer per applicable criterion, no unknown or repeated one; returns them in the criteria's order. */
export function validateAnswers(answers: readonly Answer[], applicable: readonly CriterionCode[]): { criterion: CriterionCode; satisfied: boolean }[] {
  const seen = new Map<string, boolean>();
  answers.forEach((a, i) => {
    if (!(applicable as readonly string[]).includes(a.criterion)) throw new Invalid(`"${a.criterion}" is not a criterion of this dossier`, `answers.${i}.criterion`, undefined, 'unknown_criterion');
    if (seen.has(a.criterion)) throw new Invalid(`"${a.criterion}" is answered twice`, `answers.${i}.criterion`, undefined, 'duplicate_criterion');
    seen.set(a.criterion, a.satisfied);
  });
  const missing = applicable.filter((c) => !seen.has(c));
  if (missing.length > 0) throw new Invalid(`answer every criterion; missing: ${missing.join(', ')}`, 'answers', { missing }, 'missing_criterion');
  return applicable.map((c) => ({ criterion: c, satisfied: seen.get(c)! }));
}
