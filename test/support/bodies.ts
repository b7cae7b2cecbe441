import { creditCodeCheckChar, residentIdCheckChar } from '../../domain/codes.js';

/** Request bodies for registering companies and caregivers through the API; codes are valid and unique per test process. */
let serial = 0;

export const creditCode = () => {
  const first17 = `91150302MA${String(++serial).padStart(7, '0')}`;
  return first17 + creditCodeCheckChar(first17);
};

export const residentId = (birth = '19800101') => {
  const first17 = `150302${birth}${String(++serial % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
};

export const companyBody = (over: Record<string, unknown> = {}) => ({
  name: '乌海市测试家政服务有限公司',
  creditCode: creditCode(),
  licenceNumber: 'WH-JZ-2026-0001',
  licenceValidUntil: '2029-12-31',
  services: ['cleaning', 'bathing', 'meals'],
  sites: [{ name: '总部', lat: 39.673, lon: 106.812 }],
  ...over,
});

export const caregiverBody = (enterpriseId: string, over: Record<string, unknown> = {}) => ({
  enterpriseId,
  name: '刘桂芳',
  // One caregiver per mobile: each body gets a number of its own.
  phone: `13804${String(++serial).padStart(6, '0')}`,
  residentId: residentId(),
  certificates: [{ type: 'elderCare', level: 3, number: `EC-${serial}`, validUntil: '2029-06-30' }],
  home: { lat: 39.674, lon: 106.813 },
  ...over,
});
