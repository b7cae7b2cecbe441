import { BatchWriteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ServiceCode } from '../domain/catalog.js';
import type { Caregiver, Center, Certificate, Elder, Enterprise } from '../domain/registry.js';
import { keys } from '../functions/shared/keys.js';
import { registryItems } from '../functions/shared/registry-store.js';

/**
 * A small, deterministic demo city: two streets of Haibowan district (新华街道,
 * 滨河街道; coordinates from shared/data/wuhai-divisions.json), each with its
 * hub centre and a station, elders around them, three licensed companies and
 * one suspended one, and caregivers living nearby. Names, phones and numbers
 * are invented. The full city comes with the registry.
 */
const SEED_NAME = 'demo-city-v1';

const streets = [
  { id: 'st-xinhua', nameZh: '新华街道', lat: 39.673, lon: 106.812 },
  { id: 'st-binhe', nameZh: '滨河街道', lat: 39.655, lon: 106.8 },
] as const;

/** Offsets in degrees: 0.001° ≈ 111 m north, ≈ 86 m east at this latitude. */
const at = (base: { lat: number; lon: number }, dLat: number, dLon: number) => ({
  lat: Math.round((base.lat + dLat) * 1e6) / 1e6,
  lon: Math.round((base.lon + dLon) * 1e6) / 1e6,
});

export const demoCenters: Center[] = streets.flatMap((street) => [
  { id: `ctr-${street.id.slice(3)}-hub`, name: `${street.nameZh}社区养老服务中心`, kind: 'hub' as const, streetId: street.id, location: at(street, 0, 0) },
  { id: `ctr-${street.id.slice(3)}-station`, name: `${street.nameZh}家政养老便民服务站`, kind: 'station' as const, streetId: street.id, location: at(street, 0.004, -0.005) },
]);

const surnames = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙'];
const givenNames = ['秀英', '桂兰', '建国', '淑珍', '玉兰', '志强', '凤英', '德明', '丽华', '文华', '国庆', '金凤'];
const roads = ['人民路', '海拉路', '黄河街', '新华大街', '滨河东路', '卫生路'];

export const demoElders: Elder[] = demoCenters.flatMap((center, c) =>
  [0, 1, 2].map((n) => {
    const i = c * 3 + n;
    return {
      id: `eld-${center.id.slice(4)}-${n + 1}`,
      centerId: center.id,
      name: `${surnames[i % surnames.length]}${givenNames[(i * 5) % givenNames.length]}`,
      phone: `1390473${String(1000 + i * 37).padStart(4, '0')}`,
      address: `乌海市海勃湾区${roads[i % roads.length]}${10 + i}号${1 + (i % 6)}单元${101 + n * 100}`,
      location: at(center.location, (n - 1) * 0.002, ((i % 3) - 1) * 0.003),
      status: 'active' as const,
    };
  }),
);

const allServices: ServiceCode[] = [
  'meals', 'bathing', 'cleaning', 'medical', 'emergency', 'mobility', 'shopping', 'companionship', 'personalCare', 'rehab',
  'respite', 'nightCare', 'laundry', 'homeCooking', 'welfareVisit', 'safetyCheck', 'digitalHelp',
];

export const demoEnterprises: Enterprise[] = [
  { id: 'ent-ankang', name: '乌海市安康家政服务有限公司', status: 'licensed', licenceNumber: 'WH-JZ-2024-0012', licenceValidUntil: '2028-06-30', services: allServices },
  { id: 'ent-fushou', name: '乌海市福寿居家养老服务有限公司', status: 'licensed', licenceNumber: 'WH-JZ-2023-0047', licenceValidUntil: '2027-12-31', services: allServices },
  { id: 'ent-jiejing', name: '乌海市洁净家政保洁有限公司', status: 'licensed', licenceNumber: 'WH-JZ-2025-0103', licenceValidUntil: '2028-03-31', services: ['cleaning', 'laundry', 'shopping', 'safetyCheck'] },
  { id: 'ent-suspended', name: '乌海市速达家政有限公司', status: 'suspended', licenceNumber: 'WH-JZ-2022-0088', licenceValidUntil: '2027-01-31', services: allServices },
];

const cert = (type: Certificate['type'], n: number, validUntil = '2029-12-31', level?: number): Certificate => ({
  type,
  number: `${type.toUpperCase().slice(0, 4)}-${String(n).padStart(6, '0')}`,
  validUntil,
  ...(level ? { level } : {}),
});

const caregiverSpecs: Array<{ enterpriseId: string; street: 0 | 1; dLat: number; dLon: number; certificates: (n: number) => Certificate[] }> = [
  { enterpriseId: 'ent-ankang', street: 0, dLat: 0.003, dLon: 0.002, certificates: (n) => [cert('elderCare', n, '2029-12-31', 3), cert('healthCert', n)] },
  { enterpriseId: 'ent-ankang', street: 0, dLat: -0.004, dLon: 0.006, certificates: (n) => [cert('medicalCare', n), cert('healthCert', n)] },
  { enterpriseId: 'ent-fushou', street: 0, dLat: 0.006, dLon: -0.004, certificates: (n) => [cert('elderCare', n, '2028-05-31', 4)] },
  { enterpriseId: 'ent-jiejing', street: 0, dLat: 0.001, dLon: 0.008, certificates: (n) => [cert('domestic', n)] },
  { enterpriseId: 'ent-suspended', street: 0, dLat: 0.002, dLon: 0.001, certificates: (n) => [cert('elderCare', n)] },
  { enterpriseId: 'ent-fushou', street: 1, dLat: 0.002, dLon: 0.003, certificates: (n) => [cert('elderCare', n, '2029-12-31', 2), cert('healthCert', n)] },
  { enterpriseId: 'ent-ankang', street: 1, dLat: -0.003, dLon: -0.002, certificates: (n) => [cert('healthCert', n), cert('domestic', n)] },
  { enterpriseId: 'ent-fushou', street: 1, dLat: 0.005, dLon: 0.005, certificates: (n) => [cert('medicalCare', n), cert('elderCare', n, '2029-12-31', 3)] },
  { enterpriseId: 'ent-jiejing', street: 1, dLat: -0.006, dLon: 0.004, certificates: (n) => [cert('domestic', n)] },
  // Certificate expired: shows up in "without a valid qualifying certificate".
  { enterpriseId: 'ent-ankang', street: 1, dLat: 0.001, dLon: -0.006, certificates: (n) => [cert('elderCare', n, '2025-01-31', 2)] },
];

const caregiverNames = ['赵丽娟', '钱桂芳', '孙海燕', '李春梅', '周红霞', '吴晓燕', '郑秀兰', '王美玲', '冯玉梅', '陈淑华'];

export const demoCaregivers: Caregiver[] = caregiverSpecs.map((spec, i) => ({
  id: `cg-${String(i + 1).padStart(3, '0')}`,
  enterpriseId: spec.enterpriseId,
  name: caregiverNames[i % caregiverNames.length]!,
  phone: `1370473${String(2000 + i * 53).padStart(4, '0')}`,
  status: 'active',
  location: at(streets[spec.street], spec.dLat, spec.dLon),
  certificates: spec.certificates(i + 1),
}));

export function demoItems(): Record<string, unknown>[] {
  return [
    ...demoCenters.map(registryItems.center),
    ...demoElders.map(registryItems.elder),
    ...demoEnterprises.map(registryItems.enterprise),
    ...demoCaregivers.map(registryItems.caregiver),
  ];
}

/** Writes the demo city once; later starts find the marker and leave the data alone. */
export async function seedDemoCity(db: DynamoDBDocumentClient, tableName: string): Promise<boolean> {
  const marker = keys.seed(SEED_NAME);
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: marker }));
  if (Item) return false;
  const items = demoItems();
  for (let i = 0; i < items.length; i += 25) {
    let requests: Array<{ PutRequest: { Item: Record<string, unknown> } }> | undefined = items
      .slice(i, i + 25)
      .map((Item) => ({ PutRequest: { Item } }));
    while (requests?.length) {
      const result = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = result.UnprocessedItems?.[tableName] as typeof requests;
    }
  }
  await db.send(new PutCommand({ TableName: tableName, Item: { ...marker, entity: 'Seed', items: items.length } }));
  return true;
}
