import type { Caregiver, Elder, Enterprise } from '../../domain/registry.js';
import { defaultAvailability } from '../../domain/registry.js';

/** Complete, schema-valid registry objects for tests; override what the test is about. */
export const anEnterprise = (over: Partial<Enterprise> = {}): Enterprise => ({
  id: 'ent-a',
  code: 'ENTA000001',
  name: '乌海市测试家政服务有限公司',
  creditCode: '91350100M000100Y43',
  licenceNumber: 'WH-JZ-2024-0001',
  licenceValidUntil: '2028-01-01',
  status: 'licensed',
  services: ['bathing', 'cleaning', 'meals'],
  sites: [{ name: '总部', location: { lat: 39.673, lon: 106.812 } }],
  createdAt: '2026-01-01T09:00:00+08:00',
  ...over,
});

export const aCaregiver = (over: Partial<Caregiver> = {}): Caregiver => ({
  id: 'cg-1',
  code: 'CG00000001',
  enterpriseId: 'ent-a',
  name: '赵丽娟',
  phone: '13704732000',
  residentIdMasked: '15**************21',
  birthDate: '1980-01-01',
  gender: 'female',
  languages: ['mandarin'],
  serviceCardNumber: 'WH-CG00000001',
  certificates: [{ type: 'elderCare', number: 'EC-1', validUntil: '2029-01-01' }],
  availability: defaultAvailability,
  maxVisitsPerDay: 6,
  location: { lat: 39.673, lon: 106.812 },
  status: 'active',
  createdAt: '2026-01-01T09:00:00+08:00',
  ...over,
});

export const anElder = (over: Partial<Elder> = {}): Elder => ({
  id: 'eld-1',
  centerId: 'ctr-1',
  name: '王秀英',
  phone: '13904731000',
  address: '乌海市海勃湾区人民路1号',
  location: { lat: 39.67, lon: 106.81 },
  streetId: 'st-xinhua',
  communityId: 'cm-xinhua-1',
  careLevel: 'mild',
  familyContacts: [],
  status: 'active',
  preferences: { preferredCaregivers: [], blockedCaregivers: [], sameGenderBathing: false, languages: [] },
  consent: { givenBy: '王秀英', givenAt: '2026-01-01T09:00:00+08:00', purposes: ['居家上门服务'] },
  createdAt: '2026-01-01T09:00:00+08:00',
  ...over,
});
