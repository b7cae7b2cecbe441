import * as z from 'zod';

/**
 * Certificate types a caregiver can hold. These are the real Chinese
 * occupational certificates (国家职业资格 / 职业技能等级证书) plus the health
 * certificate (健康证) that food handling requires.
 */
export const CertificateType = z.enum([
  'elderCare', // 养老护理员
  'medicalCare', // 医疗护理员
  'domestic', // 家政服务员
  'childcare', // 育婴员
  'healthCert', // 健康证
  'hairdresser', // 美发师
  'pedicure', // 修脚师
  'applianceRepair', // 家用电器产品维修工
]);
export type CertificateType = z.infer<typeof CertificateType>;

export const certificateNames: Record<CertificateType, { zh: string; en: string }> = {
  elderCare: { zh: '养老护理员', en: 'Elder-care worker' },
  medicalCare: { zh: '医疗护理员', en: 'Medical care assistant' },
  domestic: { zh: '家政服务员', en: 'Domestic service worker' },
  childcare: { zh: '育婴员', en: 'Infant-care worker' },
  healthCert: { zh: '健康证', en: 'Health certificate' },
  hairdresser: { zh: '美发师', en: 'Hairdresser' },
  pedicure: { zh: '修脚师', en: 'Pedicurist' },
  applianceRepair: { zh: '家用电器产品维修工', en: 'Household appliance repairer' },
};

export const ServiceCode = z.enum([
  'meals', 'bathing', 'cleaning', 'medical', 'emergency', 'mobility', 'shopping', 'companionship',
  'personalCare', 'rehab', 'respite', 'nightCare', 'laundry', 'homeCooking', 'hairdressing',
  'footCare', 'applianceRepair', 'safetyCheck', 'welfareVisit', 'digitalHelp',
]);
export type ServiceCode = z.infer<typeof ServiceCode>;

export const ServiceSchema = z.object({
  code: ServiceCode,
  nameZh: z.string(),
  nameEn: z.string(),
  /** Certificate types of which a caregiver must hold one; empty means any active carded caregiver. */
  qualifyingCertificates: z.array(CertificateType),
  defaultDurationMin: z.number().int().positive(),
  /** Urgent services get shorter offer deadlines. */
  urgent: z.boolean(),
});
export type Service = z.infer<typeof ServiceSchema>;

const s = (
  code: ServiceCode,
  nameZh: string,
  nameEn: string,
  qualifyingCertificates: CertificateType[],
  defaultDurationMin: number,
  urgent = false,
): Service => ({ code, nameZh, nameEn, qualifyingCertificates, defaultDurationMin, urgent });

/**
 * The 20 in-home services of the "1+N+20" model. The seed names 助餐, 助浴,
 * 助洁 and 助医; the rest follow what community home care in China commonly
 * offers (the "八助" plus care, repair and digital help). README explains.
 */
export const services: readonly Service[] = [
  s('meals', '助餐', 'Meal delivery', ['healthCert'], 30),
  s('bathing', '助浴', 'Bathing assistance', ['elderCare', 'medicalCare'], 60),
  s('cleaning', '助洁', 'Home cleaning', [], 120),
  // 助医: escort to hospital, fetching medicine, health monitoring, medication
  // reminders; not clinical nursing, which needs a medical institution.
  s('medical', '助医', 'Medical assistance (escort, medicine, monitoring)', ['medicalCare', 'elderCare'], 120),
  s('emergency', '助急', 'Emergency assistance', ['elderCare', 'medicalCare'], 60, true),
  s('mobility', '助行', 'Walking and outing assistance', ['elderCare', 'medicalCare'], 60),
  s('shopping', '助购', 'Shopping and errands', [], 60),
  s('companionship', '助聊', 'Companionship and emotional support', [], 60),
  s('personalCare', '生活照料', 'Personal care (dressing, feeding, toileting)', ['elderCare', 'medicalCare'], 90),
  s('rehab', '康复辅助', 'Rehabilitation exercise assistance', ['medicalCare', 'elderCare'], 60),
  s('respite', '喘息服务', 'Respite care for family carers', ['elderCare'], 240),
  s('nightCare', '夜间陪护', 'Overnight companionship care', ['elderCare', 'medicalCare'], 600),
  s('laundry', '助洗', 'Laundry', [], 60),
  s('homeCooking', '上门做饭', 'Home cooking', ['healthCert'], 90),
  s('hairdressing', '理发', 'Haircut at home', ['hairdresser'], 45),
  s('footCare', '修脚', 'Foot care', ['pedicure'], 45),
  s('applianceRepair', '家电维修', 'Household appliance repair', ['applianceRepair'], 60),
  s('safetyCheck', '安全巡查', 'Home safety check (gas, power, falls)', [], 30),
  s('welfareVisit', '探访关爱', 'Welfare check visit', [], 30),
  s('digitalHelp', '数字助老', 'Smartphone and digital help', [], 45),
];

const byCode = new Map(services.map((service) => [service.code, service]));

export function findService(code: string): Service | undefined {
  return byCode.get(code as ServiceCode);
}
