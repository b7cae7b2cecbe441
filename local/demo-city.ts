import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { type Community, type Street, nearestCommunity } from '../domain/city.js';
import { type CertificateType, type ServiceCode, services as catalog } from '../domain/catalog.js';
import { creditCodeCheckChar, maskResidentId, residentIdCheckChar } from '../domain/codes.js';
import { type Location, distanceKm } from '../domain/geo.js';
import {
  type AvailabilitySlot,
  type Caregiver,
  type Center,
  type Certificate,
  type Elder,
  type Enterprise,
  type EnterpriseAudit,
  type EnterpriseStatus,
  type Gender,
  type Language,
  type CareLevel,
  defaultAvailability,
} from '../domain/registry.js';
import { keys } from '../functions/shared/keys.js';
import { registryItems } from '../functions/shared/registry-store.js';
import { PUBLIC_CODE_ALPHABET, phoneHashInput, residentIdHash } from '../functions/shared/tokens.js';

/**
 * The Wuhai demo city: every street and town of the three districts, their
 * communities and "1+N+20" centres, the 20 "放心家政" windows, and companies,
 * caregivers and elders in the proportions of the Commerce Bureau's 2025 reply
 * (shared/seed, figures in shared/data/wuhai-divisions.json). Everything is
 * derived from a fixed PRNG seed and a fixed reference date, so two runs, two
 * machines and the tests see the same city. All people, names, phones, ID
 * numbers and company names are invented.
 */

// ------------------------------------------------------------------ inputs

/** The day the demo city "is": ages, licence and certificate validity are measured against it. */
export const REFERENCE_DATE = '2026-11-01';
/** When the demo records were entered into the platform. */
export const CREATED_AT = '2026-11-01T09:00:00+08:00';
/** Elders per scale 1: not a figure of the reply, a size that fills every street. */
export const ELDERS_AT_SCALE_1 = 3000;
const SEED_VERSION = 'wuhai-demo-v1';

/**
 * The demo's anchor, at every scale: 新华街道's hub has an elder next door
 * (eld-xinhua-0001), a licensed elder-care company based in the street, and
 * the first three elder-care workers of that company living within a kilometre
 * of the hub with valid certificates; the first caregiver of a suspended
 * company (if any) lives there too. So a bathing request from that hub finds
 * qualified people even in the small cities tests seed, and a suspended
 * company's worker is among those dispatch must pass over.
 */
export const DEMO_ANCHOR = { streetId: 'st-xinhua', hubCenterId: 'ctr-xinhua-hub', elderId: 'eld-xinhua-0001' } as const;
const ANCHORED_CARERS = 3;
const ANCHOR_RADIUS_KM = 1;

const Share = z.number().min(0).max(1);
const DivisionsSchema = z.object({
  districts: z.array(
    z.object({
      nameZh: z.string(),
      nameEn: z.string(),
      streets: z.array(z.object({ nameZh: z.string(), kind: z.enum(['street', 'town']), lat: z.number(), lon: z.number() })),
    }),
  ),
  seedFigures: z.object({
    registeredEnterprises: z.number().int().positive(),
    licensedEnterprises: z.number().int().positive(),
    individualOperators: z.number().int().nonnegative(),
    cardedCaregivers: z.number().int().positive(),
    workerAgeShare: z.object({ '20-30': Share, '30-50': Share, '50+': Share }),
    workerServiceShare: z.object({ cleaning: Share, elderCareNursing: Share, maternity: Share, homeCook: Share, other: Share }),
  }),
});
export type Divisions = z.infer<typeof DivisionsSchema>;
export type SeedFigures = Divisions['seedFigures'];

/** In the repository checkout and in CI, shared/ sits next to the repository root. */
/**
 * A copy of shared/data/wuhai-divisions.json (the project's source data), kept
 * in the repository so that a clone runs on its own; a test keeps the two equal.
 */
export const DIVISIONS_URL = new URL('./data/wuhai-divisions.json', import.meta.url);
let divisionsCache: Divisions | undefined;
export function loadDivisions(): Divisions {
  return (divisionsCache ??= DivisionsSchema.parse(JSON.parse(readFileSync(DIVISIONS_URL, 'utf8'))));
}

/** Pinyin slugs (ids) and English names; the divisions file has only Chinese names. */
const streetNames: Record<string, { slug: string; en: string }> = {
  新华街道: { slug: 'xinhua', en: 'Xinhua' },
  新华西街道: { slug: 'xinhuaxi', en: 'Xinhuaxi' },
  凤凰岭街道: { slug: 'fenghuangling', en: 'Fenghuangling' },
  海北街道: { slug: 'haibei', en: 'Haibei' },
  滨河街道: { slug: 'binhe', en: 'Binhe' },
  卡布其街道: { slug: 'kabuqi', en: 'Kabuqi' },
  千里山镇: { slug: 'qianlishan', en: 'Qianlishan' },
  巴音赛街道: { slug: 'bayinsai', en: 'Bayinsai' },
  三道坎街道: { slug: 'sandaokan', en: 'Sandaokan' },
  五虎山街道: { slug: 'wuhushan', en: 'Wuhushan' },
  梁家沟街道: { slug: 'liangjiagou', en: 'Liangjiagou' },
  滨海街道: { slug: 'binhai', en: 'Binhai' },
  新达街道: { slug: 'xinda', en: 'Xinda' },
  苏海图街道: { slug: 'suhaitu', en: 'Suhaitu' },
  乌兰淖尔镇: { slug: 'wulannaoer', en: 'Wulannaoer' },
  拉僧仲街道: { slug: 'lasengzhong', en: 'Lasengzhong' },
  西卓子山街道: { slug: 'xizhuozishan', en: 'Xizhuozishan' },
  拉僧庙镇: { slug: 'lasengmiao', en: 'Lasengmiao' },
  公乌素镇: { slug: 'gongwusu', en: 'Gongwusu' },
  巴音陶亥镇: { slug: 'bayintaohai', en: 'Bayintaohai' },
};

/** GB/T 2260 county codes: the region part of credit codes and resident IDs. */
const districtCodes: Record<string, string> = { 海勃湾区: '150302', 海南区: '150303', 乌达区: '150304' };

/**
 * Approximate shares of the city's population (2020 census: Haibowan about
 * 57 %, Wuda 25 %, Hainan 18 %). A town counts about a third of a street:
 * towns are large but thinly settled.
 */
const districtPopulationShare: Record<string, number> = { 海勃湾区: 0.57, 乌达区: 0.245, 海南区: 0.185 };
const TOWN_WEIGHT = 0.35;

// ----------------------------------------------------------------- the PRNG

/** mulberry32: tiny, fast, good enough for demo data, and the same on every machine. */
class Rng {
  private state: number;
  constructor(seed: string) {
    // FNV-1a of the section name, so each section has its own stream and changing one leaves the others alone.
    let h = 0x811c9dc5;
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
    this.state = h >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (!items.length) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }
  weighted<T>(items: readonly T[], weight: (item: T) => number): T {
    const total = items.reduce((sum, item) => sum + weight(item), 0);
    let r = this.next() * total;
    for (const item of items) {
      r -= weight(item);
      if (r < 0) return item;
    }
    return items[items.length - 1]!;
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(Math.floor(this.next() * 10));
    return s;
  }
}

/**
 * Exactly `n` values in the given shares (largest remainder), shuffled: the
 * mixes of the reply hold at every scale instead of drifting with chance.
 */
function apportion<T>(shares: ReadonlyArray<readonly [T, number]>, n: number): number[] {
  const total = shares.reduce((sum, [, share]) => sum + share, 0);
  const exact = shares.map(([, share]) => (share / total) * n);
  const counts = exact.map(Math.floor);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0, left = n - counts.reduce((a, b) => a + b, 0); k < left; k++) counts[order[k % order.length]![1]]! += 1;
  return counts;
}
function quota<T>(rng: Rng, shares: ReadonlyArray<readonly [T, number]>, n: number): T[] {
  const counts = apportion(shares, n);
  return rng.shuffle(shares.flatMap(([value], i) => Array.from({ length: counts[i]! }, () => value)));
}

// ------------------------------------------------------- places and dates

const KM_PER_DEG_LAT = 111.32;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** A point uniformly spread over a disc of `radiusKm` around `center`. */
function scatter(rng: Rng, center: Location, radiusKm: number): Location {
  const r = radiusKm * Math.sqrt(rng.next());
  const theta = 2 * Math.PI * rng.next();
  const dLat = (r * Math.cos(theta)) / KM_PER_DEG_LAT;
  const dLon = (r * Math.sin(theta)) / (KM_PER_DEG_LAT * Math.cos((center.lat * Math.PI) / 180));
  return { lat: round6(center.lat + dLat), lon: round6(center.lon + dLon) };
}

const DAY_MS = 86_400_000;
const toDate = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const fromMs = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const addDays = (iso: string, days: number) => fromMs(toDate(iso) + days * DAY_MS);
function addYears(iso: string, years: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return fromMs(Date.UTC(y + years, m - 1, d));
}
const daysBetween = (from: string, to: string) => Math.round((toDate(to) - toDate(from)) / DAY_MS);
const dateIn = (rng: Rng, from: string, to: string) => addDays(from, rng.int(0, Math.max(0, daysBetween(from, to))));
/** Office hours, city time. */
const cityTimeOn = (rng: Rng, date: string) => `${date}T${String(rng.int(9, 16)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}:00+08:00`;
/** A birth date giving exactly `age` years on the reference date. */
const birthDateFor = (rng: Rng, age: number) => addDays(addYears(REFERENCE_DATE, -age), -rng.int(1, 364));
const pad = (n: number, width: number) => String(n).padStart(width, '0');

// ------------------------------------------------------------ names, codes

const surnames = [...'王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石贾白孟秦薛闫段雷侯郝武康牛乔齐'];
const femaleGiven = [
  '丽娟', '桂芳', '海燕', '春梅', '红霞', '晓燕', '秀兰', '美玲', '玉梅', '淑华', '丽丽', '艳', '静', '敏', '燕', '娜', '婷', '芳', '霞',
  '红梅', '秀芳', '丽萍', '凤霞', '金花', '海霞', '雪梅', '晓丽', '春燕', '彩霞', '玉霞', '秀梅', '翠兰', '艳红', '丽君', '慧敏', '玉芳',
  '亚琴', '小红', '建英', '丽霞', '晓梅', '银花', '月红', '爱玲', '素琴', '改莲',
];
const maleGiven = ['建军', '志刚', '海军', '伟', '强', '磊', '军', '勇', '涛', '斌', '建平', '国强', '永明', '立新', '文斌', '宏伟', '东', '海龙', '俊峰', '振宇'];
const elderFemaleGiven = [
  '秀英', '桂兰', '淑珍', '玉兰', '凤英', '桂英', '玉珍', '淑兰', '桂珍', '素珍', '秀珍', '兰英', '凤兰', '秀芝', '淑英', '桂芝', '金兰', '翠英',
  '玉芬', '月娥', '凤琴', '桂香', '秀云', '玉莲',
];
const elderMaleGiven = [
  '建国', '德明', '国庆', '志明', '振华', '福林', '长生', '永福', '文华', '国华', '德胜', '金山', '宝山', '树林', '玉林', '万福', '春生', '保国',
  '广义', '有才', '学文', '庆丰',
];
/** Mongolian names are written whole, without a Han surname. */
const mongolianFemale = ['乌云其木格', '萨仁高娃', '娜仁花', '斯琴图雅', '其其格', '敖登格日勒', '图雅', '乌兰', '琪琪格', '额尔敦其其格'];
const mongolianMale = ['巴特尔', '苏和', '额尔敦', '宝音达来', '那顺', '格日乐图', '巴图', '朝鲁', '毕力格', '孟和'];

function personName(rng: Rng, gender: Gender, mongolian: boolean, elder: boolean): string {
  if (mongolian) return rng.pick(gender === 'female' ? mongolianFemale : mongolianMale);
  const given = elder ? (gender === 'female' ? elderFemaleGiven : elderMaleGiven) : gender === 'female' ? femaleGiven : maleGiven;
  return `${rng.pick(surnames)}${rng.pick(given)}`;
}

const mobilePrefixes = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '155', '156', '157', '158', '159', '180', '181', '183', '186', '187', '188', '189'];

/** Codes, numbers and phones the city hands out once. */
class Registry {
  readonly publicCodes = new Set<string>();
  readonly phones = new Set<string>();
  readonly residentIds = new Set<string>();
  readonly creditCodes = new Set<string>();
  private readonly serials = new Map<string, number>();

  unique(set: Set<string>, make: () => string): string {
    for (;;) {
      const value = make();
      if (!set.has(value)) {
        set.add(value);
        return value;
      }
    }
  }
  publicCode(rng: Rng): string {
    return this.unique(this.publicCodes, () => Array.from({ length: 10 }, () => rng.pick([...PUBLIC_CODE_ALPHABET])).join(''));
  }
  phone(rng: Rng): string {
    return this.unique(this.phones, () => `${rng.pick(mobilePrefixes)}${rng.digits(8)}`);
  }
  /** GB 11643: region, birth date, sequence with the sex in its last digit (odd male), check digit. */
  residentId(rng: Rng, region: string, birthDate: string, gender: Gender): string {
    return this.unique(this.residentIds, () => {
      const sexDigit = 2 * rng.int(0, 4) + (gender === 'male' ? 1 : 0);
      const first17 = `${region}${birthDate.replaceAll('-', '')}${rng.digits(2)}${sexDigit}`;
      return first17 + residentIdCheckChar(first17);
    });
  }
  /**
   * GB 32100: '9' (market regulation), '1' company or '2' individual business,
   * county code, a GB 11714 organisation code ('MA' + 6, as issued since 2015)
   * and the check character.
   */
  creditCode(rng: Rng, individual: boolean, region: string): string {
    return this.unique(this.creditCodes, () => {
      const body = `MA${Array.from({ length: 6 }, () => rng.pick([...CREDIT_BODY_CHARS])).join('')}`;
      const first17 = `9${individual ? '2' : '1'}${region}${body}${organisationCheckChar(body)}`;
      return first17 + creditCodeCheckChar(first17);
    });
  }
  serial(series: string): number {
    const n = (this.serials.get(series) ?? 0) + 1;
    this.serials.set(series, n);
    return n;
  }
}

/** Characters both GB 11714 and GB 32100 allow (no I, O, S, V, Z). */
const CREDIT_BODY_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** GB 11714 check character of an 8-character organisation code body. */
function organisationCheckChar(body: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  const value = (ch: string) => (ch >= '0' && ch <= '9' ? Number(ch) : ch.charCodeAt(0) - 55);
  const c = 11 - ([...body].reduce((sum, ch, i) => sum + value(ch) * weights[i]!, 0) % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

// ------------------------------------------------------------------ output

export interface DemoCity {
  scale: number;
  streets: Street[];
  communities: Community[];
  centers: Center[];
  /** Each company with its audit history (registered, licensed, suspended, revoked). */
  enterprises: Array<{ enterprise: Enterprise; history: EnterpriseAudit[] }>;
  /** The full resident ID is returned only to write the keyed-hash uniqueness item. */
  caregivers: Array<{ caregiver: Caregiver; residentId: string }>;
  elders: Array<{ elder: Elder; residentId?: string }>;
}

/** Counts that grow with the scale; streets, communities, centres and windows do not. */
export function demoCounts(scale: number, figures: SeedFigures = loadDivisions().seedFigures) {
  if (!(Number.isFinite(scale) && scale > 0)) throw new RangeError(`the demo city's scale must be a positive number, not ${scale}`);
  const enterprises = Math.max(1, Math.round(figures.registeredEnterprises * scale));
  return {
    enterprises,
    licensed: Math.min(enterprises, Math.max(1, Math.round(figures.licensedEnterprises * scale))),
    caregivers: Math.max(1, Math.round(figures.cardedCaregivers * scale)),
    elders: Math.max(1, Math.round(ELDERS_AT_SCALE_1 * scale)),
  };
}

interface Place {
  street: Street;
  kind: 'street' | 'town';
  district: string;
  weight: number;
  communities: Community[];
  stations: Center[];
  hub: Center;
}

// ------------------------------------------------------------- the city

export function generateDemoCity({ scale }: { scale: number }): DemoCity {
  const divisions = loadDivisions();
  const figures = divisions.seedFigures;
  const counts = demoCounts(scale, figures);
  const registry = new Registry();
  const places = generatePlaces(divisions);
  const windows = generateWindows(places);
  const enterprises = generateEnterprises(places, figures, counts, registry);
  const caregivers = generateCaregivers(places, figures, counts, registry, enterprises);
  assignServices(enterprises, caregivers);
  const elders = generateElders(places, counts, registry);
  return {
    scale,
    streets: places.map((p) => p.street),
    communities: places.flatMap((p) => p.communities),
    centers: [...places.flatMap((p) => [p.hub, ...p.stations]), ...windows],
    enterprises: enterprises.map(({ enterprise, history }) => ({ enterprise, history })),
    caregivers: caregivers.map(({ caregiver, residentId }) => ({ caregiver, residentId })),
    elders,
  };
}

const townVillageStems: Array<[string, '村' | '嘎查']> = [
  ['团结', '村'], ['新民', '村'], ['红旗', '村'], ['丰收', '村'], ['和平', '村'], ['幸福', '村'], ['前进', '村'], ['永胜', '村'],
  ['光明', '村'], ['兴隆', '村'], ['巴音', '嘎查'], ['乌兰', '嘎查'], ['查干', '嘎查'], ['阿拉坦', '嘎查'], ['呼和', '嘎查'], ['赛汗', '嘎查'],
];
const ordinals = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

function generatePlaces(divisions: Divisions): Place[] {
  const rng = new Rng(`${SEED_VERSION}/places`);
  const villages = rng.shuffle([...townVillageStems]);
  const places: Place[] = [];
  for (const district of divisions.districts) {
    const share = districtPopulationShare[district.nameZh] ?? 0.1;
    const kindTotal = district.streets.reduce((sum, s) => sum + (s.kind === 'town' ? TOWN_WEIGHT : 1), 0);
    for (const division of district.streets) {
      const names = streetNames[division.nameZh];
      if (!names) throw new Error(`no slug for ${division.nameZh}: add it to streetNames`);
      const { slug } = names;
      const town = division.kind === 'town';
      const location = { lat: division.lat, lon: division.lon };
      const street: Street = {
        id: `st-${slug}`,
        nameZh: division.nameZh,
        nameEn: `${names.en} ${town ? 'Town' : 'Subdistrict'}`,
        kind: division.kind,
        district: district.nameZh,
        districtEn: district.nameEn,
        location,
        hubCenterId: `ctr-${slug}-hub`,
      };
      const base = division.nameZh.replace(/(街道|镇)$/, '');
      const communityCount = town ? rng.int(3, 4) : rng.int(5, 8);
      const communities: Community[] = Array.from({ length: communityCount }, (_, i) => {
        let nameZh = `${base}第${ordinals[i]}社区`;
        if (town) {
          // The town seat is a 社区; the rest are villages (村) or Mongolian herding villages (嘎查).
          const village = i === 0 ? undefined : villages.pop();
          nameZh = village ? `${village[0]}${village[1]}` : `${base}社区`;
        }
        return { id: `cm-${slug}-${i + 1}`, streetId: street.id, nameZh, location: scatter(rng, location, town ? 3 : 1.5) };
      });
      const near = (at: Location) => nearestCommunity(at, communities)!.id;
      const hub: Center = {
        id: street.hubCenterId,
        name: `${division.nameZh}社区养老服务中心`,
        kind: 'hub',
        streetId: street.id,
        communityId: near(location),
        location,
        dutyPhone: `1390473${String(9000 + places.length).padStart(4, '0')}`,
      };
      const hosts = rng.shuffle([...communities]).slice(0, town ? rng.int(1, 2) : rng.int(1, 3));
      const stations: Center[] = hosts.map((host, i) => {
        const daycare = rng.chance(0.4);
        const at = scatter(rng, host.location, 0.2);
        return {
          id: `ctr-${slug}-${i + 1}`,
          name: `${host.nameZh}${daycare ? '日间照料中心' : '家政养老便民服务站'}`,
          kind: daycare ? 'daycare' : 'station',
          streetId: street.id,
          communityId: near(at),
          location: at,
        };
      });
      places.push({ street, kind: division.kind, district: district.nameZh, weight: (share * (town ? TOWN_WEIGHT : 1)) / kindTotal, communities, stations, hub });
    }
  }
  return places;
}

/** One "放心家政" window in each street's party-mass service centre (党群服务中心). */
function generateWindows(places: Place[]): Center[] {
  const rng = new Rng(`${SEED_VERSION}/windows`);
  return places.map((place, i) => {
    const location = scatter(rng, place.street.location, 0.4);
    return {
      id: `win-${pad(i + 1, 2)}`,
      name: `${place.street.nameZh}党群服务中心"放心家政"服务窗口`,
      kind: 'window',
      streetId: place.street.id,
      communityId: nearestCommunity(location, place.communities)!.id,
      location,
    };
  });
}

// -------------------------------------------------------------- companies

/** What a company mainly does; it decides its name, its services and whom it employs. */
type Orientation = 'elderCare' | 'domestic' | 'cleaning';
type Standing = 'licensed' | 'expired' | 'suspended' | 'revoked' | 'registered';

interface GeneratedEnterprise {
  enterprise: Enterprise;
  history: EnterpriseAudit[];
  orientation: Orientation;
  standing: Standing;
  district: string;
  /** How many caregivers it draws relative to others: a few companies are large. */
  size: number;
  sitePlaces: Place[];
  /** The licensed elder-care company of the demo's anchor street. */
  anchor: boolean;
}

const brandChars = [...'安康福寿祥和德惠佳美洁馨悦鑫瑞泰诚信春晖怡宁颐乐家好邻缘善仁爱心暖阳光华欣盛久立优达润泽益桐禾溪'];
const industryWords: Record<Orientation, { company: string[]; individual: string[] }> = {
  elderCare: { company: ['养老服务', '居家养老服务', '护理服务', '健康养老服务'], individual: ['养老服务部', '护理服务部'] },
  domestic: { company: ['家政服务', '家庭服务', '母婴护理服务', '家政养老服务'], individual: ['家政服务部', '家政服务中心'] },
  cleaning: { company: ['保洁服务', '家政保洁服务', '清洁服务'], individual: ['保洁服务部', '家政保洁部'] },
};
const suspensionReasons = ['服务质量投诉经核查属实，暂停接单整改', '从业人员健康证过期未及时更新', '未按规定公示服务项目和收费标准'];
const revocationReasons = ['以欺骗手段取得许可，依法撤销', '多次违规经营，依法吊销许可', '企业申请注销'];
const ACTOR = 'system:seed';
/** The platform went live in June 2022; older companies were imported with their registration dates. */
const EARLIEST_REGISTRATION = '2019-01-01';

function generateEnterprises(places: Place[], figures: SeedFigures, counts: ReturnType<typeof demoCounts>, registry: Registry): GeneratedEnterprise[] {
  const rng = new Rng(`${SEED_VERSION}/enterprises`);
  const n = counts.enterprises;
  let left = n - counts.licensed;
  const take = (wanted: number) => {
    const k = Math.min(left, wanted);
    left -= k;
    return k;
  };
  const standingCounts: Array<[Standing, number]> = [['licensed', counts.licensed]];
  standingCounts.push(['suspended', take(Math.round(n * 0.02))], ['revoked', take(Math.round(n * 0.01))], ['expired', take(Math.round(5 * (n / figures.registeredEnterprises)))]);
  standingCounts.push(['registered', left]);
  const standings = rng.shuffle(standingCounts.flatMap(([standing, k]) => Array.from({ length: k }, () => standing)));
  // Orientation by standing group, so even a small city has licensed elder-care companies.
  const orientationShares: Array<[Orientation, number]> = [['domestic', 0.45], ['cleaning', 0.35], ['elderCare', 0.2]];
  const orientationsOf = new Map<Standing, Orientation[]>();
  for (const [standing, k] of standingCounts) orientationsOf.set(standing, quota(rng, orientationShares, k));
  const individuals = quota(rng, [[true, figures.individualOperators], [false, figures.registeredEnterprises - figures.individualOperators]], n);
  const names = new Set<string>();

  const orientations = standings.map((standing) => orientationsOf.get(standing)!.pop()!);
  const anchorIndex = standings.findIndex((standing, i) => standing === 'licensed' && orientations[i] === 'elderCare' && !individuals[i]);
  const anchorPlace = places.find((p) => p.street.id === DEMO_ANCHOR.streetId)!;

  return standings.map((standing, i) => {
    const id = `ent-${pad(i + 1, 4)}`;
    const orientation = orientations[i]!;
    const individual = individuals[i]!;
    const home = i === anchorIndex ? anchorPlace : rng.weighted(places, (p) => p.weight);
    const sitePlaces = [home];
    if (!individual && rng.chance(0.3)) {
      const sameDistrict = places.filter((p) => p.district === home.district && p !== home);
      if (sameDistrict.length) sitePlaces.push(rng.weighted(sameDistrict, (p) => p.weight));
    }
    const sites = sitePlaces.map((place, k) => ({
      name: k === 0 ? '总部' : `${place.street.nameZh}服务点`,
      location: scatter(rng, place.street.location, place.kind === 'town' ? 2.5 : 1.2),
    }));
    const name = registry.unique(names, () => {
      const first = rng.int(0, brandChars.length - 1);
      const brand = brandChars[first]! + brandChars[(first + rng.int(1, brandChars.length - 1)) % brandChars.length]!;
      const words = industryWords[orientation];
      return individual
        ? `乌海市${home.district}${brand}${rng.pick(words.individual)}`
        : `乌海市${brand}${rng.pick(words.company)}${rng.chance(0.7) ? '有限公司' : '有限责任公司'}`;
    });

    // A licence runs three years; the history is dated so that its status holds on the reference date.
    let licensedOn: string;
    // Valid licences run at least half a year past the reference date, so the demo keeps working for a while.
    if (standing === 'licensed') licensedOn = dateIn(rng, addDays(addYears(REFERENCE_DATE, -3), 180), addDays(REFERENCE_DATE, -7));
    else if (standing === 'expired') licensedOn = addYears(dateIn(rng, addDays(REFERENCE_DATE, -300), addDays(REFERENCE_DATE, -1)), -3);
    // A registered company applied within the last year; the licence it applied for is granted or not by the bureau.
    else if (standing === 'registered') licensedOn = dateIn(rng, addDays(REFERENCE_DATE, -365), addDays(REFERENCE_DATE, -5));
    else licensedOn = dateIn(rng, '2022-06-01', addDays(REFERENCE_DATE, -60));
    const registeredOn =
      standing === 'registered' && rng.chance(0.5) ? dateIn(rng, EARLIEST_REGISTRATION, licensedOn) : addDays(licensedOn, -rng.int(15, 400));
    const registeredAt = cityTimeOn(rng, registeredOn < EARLIEST_REGISTRATION ? EARLIEST_REGISTRATION : registeredOn);
    const year = licensedOn.slice(0, 4);
    const history: EnterpriseAudit[] = [{ at: registeredAt, action: 'registered', to: 'registered', reason: '企业注册登记', actor: ACTOR }];
    if (standing !== 'registered') {
      history.push({ at: cityTimeOn(rng, licensedOn), action: 'licensed', from: 'registered', to: 'licensed', reason: '取得家政服务经营许可', actor: ACTOR });
    }
    if (standing === 'suspended' || standing === 'revoked') {
      const on = dateIn(rng, addDays(licensedOn, 30), addDays(REFERENCE_DATE, -1));
      const suspended = standing === 'suspended';
      history.push({
        at: cityTimeOn(rng, on),
        action: suspended ? 'suspended' : 'revoked',
        from: 'licensed',
        to: suspended ? 'suspended' : 'revoked',
        reason: rng.pick(suspended ? suspensionReasons : revocationReasons),
        actor: ACTOR,
      });
    }
    const status: EnterpriseStatus = standing === 'expired' ? 'licensed' : standing;
    const enterprise: Enterprise = {
      id,
      code: registry.publicCode(rng),
      name,
      creditCode: registry.creditCode(rng, individual, districtCodes[home.district]!),
      // A registered company holds the licence number it applied under; the bureau's grant makes it licensed.
      licenceNumber: `WH-JZ-${year}-${pad(registry.serial(`licence-${year}`), 4)}`,
      licenceValidUntil: addDays(addYears(licensedOn, 3), -1),
      status,
      services: [...baseServices[orientation]],
      sites,
      // Derived from the id, so the rest of the city's random draws stay as they were.
      dispatcherPhone: `1357473${String(i + 1).padStart(4, '0')}`,
      createdAt: registeredAt,
    };
    return { enterprise, history, orientation, standing, district: home.district, size: 0.3 + 3 * rng.next() ** 2, sitePlaces, anchor: i === anchorIndex };
  });
}

const codesOf = (filter: (code: ServiceCode, qualifying: readonly CertificateType[]) => boolean) =>
  catalog.filter((s) => filter(s.code, s.qualifyingCertificates)).map((s) => s.code);
/** Services needing a trade certificate of their own; only a company employing such a tradesperson offers them. */
const tradeServices = new Set<ServiceCode>(['hairdressing', 'footCare', 'applianceRepair']);
const cleaningScope = new Set<ServiceCode>(['cleaning', 'laundry', 'shopping', 'safetyCheck', 'applianceRepair']);
const domesticScope = new Set<ServiceCode>([
  'cleaning', 'laundry', 'shopping', 'companionship', 'safetyCheck', 'welfareVisit', 'digitalHelp', 'meals', 'homeCooking',
  'personalCare', 'mobility', 'bathing', 'hairdressing', 'footCare', 'applianceRepair',
]);
const scopes: Record<Orientation, (code: ServiceCode) => boolean> = {
  elderCare: () => true,
  domestic: (code) => domesticScope.has(code),
  cleaning: (code) => cleaningScope.has(code),
};
/** What a company with no carded caregivers on the platform declares. */
const baseServices: Record<Orientation, ServiceCode[]> = {
  elderCare: codesOf((code) => !tradeServices.has(code)),
  domestic: codesOf((code, q) => domesticScope.has(code) && !tradeServices.has(code) && (q.length === 0 || q.includes('healthCert'))),
  cleaning: codesOf((code) => cleaningScope.has(code) && !tradeServices.has(code)),
};

/**
 * A company with caregivers offers, within its line of business, the services
 * that need no certificate and those some caregiver of it is qualified for.
 */
function assignServices(enterprises: GeneratedEnterprise[], caregivers: GeneratedCaregiver[]) {
  const held = new Map<string, Set<CertificateType>>();
  for (const { caregiver } of caregivers) {
    const set = held.get(caregiver.enterpriseId) ?? new Set<CertificateType>();
    for (const c of caregiver.certificates) if (c.validUntil >= REFERENCE_DATE) set.add(c.type);
    held.set(caregiver.enterpriseId, set);
  }
  for (const e of enterprises) {
    const certs = held.get(e.enterprise.id);
    if (!certs) continue;
    const inScope = scopes[e.orientation];
    e.enterprise.services = codesOf((code, q) => inScope(code) && (q.length === 0 ? !tradeServices.has(code) : q.some((t) => certs.has(t))));
  }
}

// ------------------------------------------------------------- caregivers

type WorkCategory = keyof SeedFigures['workerServiceShare'];

interface GeneratedCaregiver {
  caregiver: Caregiver;
  residentId: string;
}

/** Where each kind of worker is likely employed. */
const employerAffinity: Record<WorkCategory, Record<Orientation, number>> = {
  cleaning: { cleaning: 0.45, domestic: 0.45, elderCare: 0.1 },
  elderCareNursing: { elderCare: 0.85, domestic: 0.15, cleaning: 0 },
  maternity: { domestic: 0.9, elderCare: 0.1, cleaning: 0 },
  homeCook: { domestic: 0.6, elderCare: 0.4, cleaning: 0 },
  other: { domestic: 0.6, elderCare: 0.2, cleaning: 0.2 },
};

const HR_BUREAU = '乌海市人力资源和社会保障局';
const HR_DEPARTMENT = '内蒙古自治区人力资源和社会保障厅';
const HEALTH_COMMISSION = '乌海市卫生健康委员会';
const certificateSeries: Record<CertificateType, string> = {
  elderCare: '01', medicalCare: '02', domestic: '03', childcare: '04', healthCert: '', hairdresser: '05', pedicure: '06', applianceRepair: '07',
};
const CERTIFICATE_EXPIRED_SHARE = 0.05;

function certificate(rng: Rng, registry: Registry, type: CertificateType, mayBeExpired = true): Certificate {
  const expired = rng.chance(CERTIFICATE_EXPIRED_SHARE) && mayBeExpired;
  // 健康证 lasts a year; skill certificates are dated five years here, so the platform can flag renewals.
  const years = type === 'healthCert' ? 1 : 5;
  const lastValidStart = addDays(addYears(REFERENCE_DATE, -years), 1);
  const validFrom = expired
    ? dateIn(rng, addDays(lastValidStart, -(type === 'healthCert' ? 300 : 1500)), addDays(lastValidStart, -1))
    : dateIn(rng, addDays(lastValidStart, type === 'healthCert' ? 0 : 90), addDays(REFERENCE_DATE, -1));
  const year = validFrom.slice(0, 4);
  const health = type === 'healthCert';
  const series = health ? `JK150300${year}` : `S150300${year}${certificateSeries[type]}`;
  return {
    type,
    ...(type === 'elderCare' ? { level: rng.weighted([1, 2, 3, 4, 5], (l) => [0.36, 0.3, 0.22, 0.08, 0.04][l - 1]!) } : {}),
    number: `${series}${pad(registry.serial(series), 6)}`,
    issuer: health ? HEALTH_COMMISSION : rng.chance(0.75) ? HR_BUREAU : HR_DEPARTMENT,
    validFrom,
    validUntil: addDays(addYears(validFrom, years), -1),
  };
}

function primaryCertificate(rng: Rng, category: WorkCategory): CertificateType {
  switch (category) {
    case 'cleaning':
      return 'domestic';
    case 'elderCareNursing':
      return rng.chance(0.75) ? 'elderCare' : 'medicalCare';
    case 'maternity':
      return 'childcare';
    case 'homeCook':
      return 'healthCert';
    case 'other':
      return rng.weighted(['hairdresser', 'pedicure', 'applianceRepair'] as const, (t) => (t === 'hairdresser' ? 0.4 : 0.3));
  }
}

const weekdays = [1, 2, 3, 4, 5];
const slots = (days: number[], from: string, to: string): AvailabilitySlot[] => days.map((day) => ({ day, from, to }));
/** Working weeks other than the default: part-timers, split shifts, weekend workers. */
const availabilityVariants: Array<() => AvailabilitySlot[]> = [
  () => slots(weekdays, '08:00', '17:00'),
  () => slots([1, 2, 3, 4, 5, 6, 7], '07:30', '19:30'),
  () => [...slots([1, 2, 3, 4, 5, 6], '07:00', '11:30'), ...slots([1, 2, 3, 4, 5, 6], '14:00', '19:00')].sort((a, b) => a.day - b.day),
  () => slots([2, 3, 4, 5, 6, 7], '09:00', '18:00'),
  () => [...slots(weekdays, '17:00', '21:00'), ...slots([6, 7], '08:00', '20:00')],
];

function generateCaregivers(
  places: Place[],
  figures: SeedFigures,
  counts: ReturnType<typeof demoCounts>,
  registry: Registry,
  enterprises: GeneratedEnterprise[],
): GeneratedCaregiver[] {
  const rng = new Rng(`${SEED_VERSION}/caregivers`);
  const n = counts.caregivers;
  const categories = quota(rng, Object.entries(figures.workerServiceShare) as Array<[WorkCategory, number]>, n);
  const ageBands = quota(rng, Object.entries(figures.workerAgeShare) as Array<[keyof SeedFigures['workerAgeShare'], number]>, n);
  const genders = quota<Gender>(rng, [['female', 0.9], ['male', 0.1]], n);
  const licensed = enterprises.filter((e) => e.standing === 'licensed');
  const suspended = enterprises.filter((e) => e.standing === 'suspended');
  // A few work for a company that has since been suspended: dispatch must pass them over.
  const suspendedCount = suspended.length && n > 1 ? Math.max(1, Math.round(n * 0.01)) : 0;
  const atSuspended = rng.shuffle(Array.from({ length: n }, (_, i) => i < suspendedCount));
  const poolOf = (pool: GeneratedEnterprise[], orientation: Orientation) => {
    const of = pool.filter((e) => e.orientation === orientation);
    return of.length ? of : pool;
  };
  const pools = new Map<string, GeneratedEnterprise[]>();
  for (const [name, pool] of [['licensed', licensed], ['suspended', suspended]] as const) {
    for (const orientation of ['elderCare', 'domestic', 'cleaning'] as const) pools.set(`${name}/${orientation}`, poolOf(pool, orientation));
  }

  const anchorCompany = enterprises.find((e) => e.anchor);
  const anchorPlace = places.find((p) => p.street.id === DEMO_ANCHOR.streetId)!;
  let anchoredCarers = 0;
  let anchoredSuspended = false;

  return categories.map((category, i) => {
    const affinity = employerAffinity[category];
    const orientation = rng.weighted(['elderCare', 'domestic', 'cleaning'] as const, (o) => affinity[o]);
    let employer = rng.weighted(pools.get(`${atSuspended[i] ? 'suspended' : 'licensed'}/${orientation}`)!, (e) => e.size);
    let anchored = false;
    if (anchorCompany && category === 'elderCareNursing' && !atSuspended[i] && anchoredCarers < ANCHORED_CARERS) {
      employer = anchorCompany;
      anchoredCarers++;
      anchored = true;
    } else if (atSuspended[i] && !anchoredSuspended) {
      anchoredSuspended = true;
      anchored = true;
    }
    // Most live near a site of their company; the rest elsewhere in its district.
    let home: Location;
    let place: Place;
    if (anchored) {
      place = anchorPlace;
      home = scatter(rng, anchorPlace.hub.location, ANCHOR_RADIUS_KM);
    } else if (rng.chance(0.75)) {
      const k = rng.int(0, employer.enterprise.sites.length - 1);
      place = employer.sitePlaces[k]!;
      home = scatter(rng, employer.enterprise.sites[k]!.location, 2);
    } else {
      place = rng.weighted(places.filter((p) => p.district === employer.district), (p) => p.weight);
      home = scatter(rng, place.street.location, place.kind === 'town' ? 3 : 2);
    }
    const gender = genders[i]!;
    const band = ageBands[i]!;
    const age = band === '20-30' ? rng.int(20, 29) : band === '30-50' ? rng.int(30, 49) : rng.int(50, 60);
    const birthDate = birthDateFor(rng, age);
    const residentId = registry.residentId(rng, districtCodes[place.district]!, birthDate, gender);
    const mongolian = rng.chance(0.05);
    const languages: Language[] = ['mandarin', ...(rng.chance(0.3) ? (['dialect'] as const) : []), ...(mongolian ? (['mongolian'] as const) : [])];
    const primary = anchored && category === 'elderCareNursing' ? 'elderCare' : primaryCertificate(rng, category);
    const certificates = [certificate(rng, registry, primary, !anchored)];
    if (primary !== 'healthCert' && rng.chance(0.4)) certificates.push(certificate(rng, registry, 'healthCert'));
    const code = registry.publicCode(rng);
    const variant = rng.chance(0.6) ? undefined : rng.pick(availabilityVariants);
    const caregiver: Caregiver = {
      id: `cg-${pad(i + 1, 5)}`,
      code,
      enterpriseId: employer.enterprise.id,
      name: personName(rng, gender, mongolian, false),
      phone: registry.phone(rng),
      residentIdMasked: maskResidentId(residentId),
      birthDate,
      gender,
      languages,
      serviceCardNumber: `WH-${code}`,
      certificates,
      availability: variant ? variant() : defaultAvailability.map((slot) => ({ ...slot })),
      maxVisitsPerDay: rng.int(4, 8),
      location: home,
      status: anchored ? 'active' : rng.weighted(['active', 'inactive', 'suspended'] as const, (s) => (s === 'active' ? 0.95 : s === 'inactive' ? 0.03 : 0.02)),
      createdAt: CREATED_AT,
    };
    return { caregiver, residentId };
  });
}

// ----------------------------------------------------------------- elders

/** GB/T 42195 levels in the mix a community care centre typically registers. */
export const careLevelShare: ReadonlyArray<readonly [Level, number]> = [
  ['intact', 0.4], ['mild', 0.3], ['moderate', 0.15], ['severe', 0.1], ['complete', 0.05],
];
type Level = z.infer<typeof CareLevel>;
/** Age bands by care level: the more dependent, the older. */
const ageBandsByLevel: Record<Level, Array<[number, number, number]>> = {
  intact: [[60, 69, 0.6], [70, 79, 0.3], [80, 89, 0.09], [90, 100, 0.01]],
  mild: [[60, 69, 0.45], [70, 79, 0.35], [80, 89, 0.17], [90, 100, 0.03]],
  moderate: [[60, 69, 0.3], [70, 79, 0.38], [80, 89, 0.26], [90, 100, 0.06]],
  severe: [[60, 69, 0.2], [70, 79, 0.35], [80, 89, 0.35], [90, 100, 0.1]],
  complete: [[60, 69, 0.15], [70, 79, 0.3], [80, 89, 0.4], [90, 100, 0.15]],
};
const roadsByDistrict: Record<string, string[]> = {
  海勃湾区: ['人民路', '新华大街', '黄河街', '海拉路', '滨河路', '胜利街', '团结路', '健康街', '育才路', '幸福路', '林荫路', '北环路'],
  乌达区: ['团结路', '新达路', '滨海路', '苏海图街', '五虎山路', '民主路', '振兴路', '建设路'],
  海南区: ['拉僧仲路', '西卓子山街', '光明路', '兴盛路', '和平路', '公园路'],
};
const youngerRelations: Array<[string, 'son' | 'daughter' | 'other']> = [
  ['儿子', 'son'], ['女儿', 'daughter'], ['儿媳', 'other'], ['女婿', 'other'], ['孙子', 'son'], ['孙女', 'daughter'], ['侄女', 'other'],
];
const elderNotes = ['独居老人', '听力较弱，请敲门后稍候', '家中养狗，请提前电话联系', '有高血压病史', '行动不便，需搀扶', '糖尿病，饮食需少糖'];
const CONSENT_PURPOSES = ['居家上门服务', '服务质量回访'];

function generateElders(places: Place[], counts: ReturnType<typeof demoCounts>, registry: Registry): DemoCity['elders'] {
  const rng = new Rng(`${SEED_VERSION}/elders`);
  // Elders per street by population, exactly; numbering runs within a street.
  const perStreet = apportion(places.map((p) => [p, p.weight] as const), counts.elders);
  const levels = quota(rng, careLevelShare, counts.elders);
  const elders: DemoCity['elders'] = [];
  const relative = (elderName: string, elderSurname: string | undefined) => {
    const [relation, kind] = rng.pick(youngerRelations);
    const gender: Gender = kind === 'son' ? 'male' : kind === 'daughter' ? 'female' : rng.chance(0.5) ? 'female' : 'male';
    let name = personName(rng, gender, false, false);
    if (elderSurname && kind !== 'other') name = elderSurname + name.slice(1);
    if (name === elderName) name = `${name}${gender === 'female' ? '丽' : '明'}`;
    return { name, relation, phone: registry.phone(rng) };
  };

  places.forEach((place, p) => {
    const slug = place.street.id.slice(3);
    for (let k = 0; k < perStreet[p]!; k++) {
      const careLevel = levels[elders.length]!;
      // The street's first elder lives next to the hub and is registered there, so every hub has someone to request visits for.
      const community = k === 0 ? nearestCommunity(place.hub.location, place.communities)! : rng.pick(place.communities);
      const location = scatter(rng, k === 0 ? place.hub.location : community.location, 0.6);
      const nearestStation = place.stations.reduce((a, b) => (distanceKm(location, a.location) <= distanceKm(location, b.location) ? a : b));
      const center = k === 0 || rng.chance(0.5) ? place.hub : nearestStation;
      const gender: Gender = rng.chance(0.55) ? 'female' : 'male';
      const [lo, hi] = rng.weighted(ageBandsByLevel[careLevel], (b) => b[2]);
      const birthDate = birthDateFor(rng, rng.int(lo, hi));
      const mongolian = rng.chance(0.05);
      const name = personName(rng, gender, mongolian, true);
      const surname = mongolian ? undefined : name[0];
      const residentId = rng.chance(0.5) ? registry.residentId(rng, districtCodes[place.district]!, birthDate, gender) : undefined;
      const guardian = careLevel === 'severe' || careLevel === 'complete' ? relative(name, surname) : undefined;
      const familyContacts = Array.from({ length: rng.int(0, 2) }, () => relative(name, surname));
      const roads = roadsByDistrict[place.district]!;
      const address =
        place.kind === 'town'
          ? `乌海市${place.district}${place.street.nameZh}${community.nameZh}${rng.int(1, 180)}号`
          : `乌海市${place.district}${rng.pick(roads)}${rng.int(1, 260)}号${rng.int(1, 24)}栋${rng.int(1, 6)}单元${rng.int(1, 7)}0${rng.int(1, 4)}`;
      const phone = rng.chance(0.6) ? registry.phone(rng) : undefined;
      const notes = rng.chance(0.15) ? rng.pick(elderNotes) : undefined;
      const elder: Elder = {
        id: `eld-${slug}-${pad(k + 1, 4)}`,
        centerId: center.id,
        name,
        ...(phone ? { phone } : {}),
        ...(residentId ? { residentIdMasked: maskResidentId(residentId) } : {}),
        gender,
        birthDate,
        address,
        location,
        streetId: place.street.id,
        communityId: nearestCommunity(location, place.communities)!.id,
        careLevel,
        ...(guardian ? { guardian } : {}),
        familyContacts,
        status: 'active',
        ...(notes ? { notes } : {}),
        preferences: { preferredCaregivers: [], blockedCaregivers: [], sameGenderBathing: rng.chance(0.3), languages: [] },
        consent: { givenBy: guardian?.name ?? name, givenAt: CREATED_AT, purposes: [...CONSENT_PURPOSES] },
        createdAt: CREATED_AT,
      };
      elders.push(residentId ? { elder, residentId } : { elder });
    }
  });
  return elders;
}

// ---------------------------------------------------------------- seeding

export interface SeedOptions {
  /** Companies, caregivers and elders are multiplied by this; the places are not. */
  scale: number;
  /** The platform's key for resident-ID hashes, so uniqueness checks find seeded people. */
  piiHashKey: string;
  log?: (line: string) => void;
}

/** The table items of a demo city, each built by the registry's own item builders. */
export function demoCityItems(city: DemoCity, piiHashKey: string): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [
    ...city.streets.map(registryItems.street),
    ...city.communities.map(registryItems.community),
    ...city.centers.map(registryItems.center),
  ];
  for (const { enterprise, history } of city.enterprises) {
    items.push(registryItems.enterprise(enterprise));
    items.push(registryItems.publicCode(enterprise.code, 'enterprise', enterprise.id));
    items.push(registryItems.creditCode(enterprise.creditCode, enterprise.id));
    history.forEach((entry, k) => items.push(registryItems.enterpriseAudit(enterprise.id, entry, `seed-${k + 1}`, new Date(entry.at))));
  }
  for (const { caregiver, residentId } of city.caregivers) {
    items.push(registryItems.caregiver(caregiver));
    items.push(registryItems.publicCode(caregiver.code, 'caregiver', caregiver.id));
    items.push(registryItems.residentId('caregiver', residentIdHash(piiHashKey, residentId), caregiver.id));
    // Phones are unique across the city (Registry.phone), so every caregiver can ask for their jobs by SMS.
    items.push(registryItems.caregiverPhone(residentIdHash(piiHashKey, phoneHashInput(caregiver.phone)), caregiver.id));
  }
  for (const { elder, residentId } of city.elders) {
    items.push(registryItems.elder(elder));
    if (residentId) items.push(registryItems.residentId('elder', residentIdHash(piiHashKey, residentId), elder.id, elder.centerId));
  }
  return items;
}

export const seedName = (scale: number) => `${SEED_VERSION}-x${scale}`;
/** Which scale this table holds, whatever it is: a second city of another scale would overwrite ids and orphan codes. */
const CITY_MARKER = keys.seed(SEED_VERSION);

const BATCH_SIZE = 25;
const IN_FLIGHT = 8;
const MAX_ATTEMPTS = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
type WriteRequest = { PutRequest: { Item: Record<string, unknown> } };

/**
 * Writes the demo city once. A restart finds the marker (written last) and
 * leaves the data alone; a table seeded at another scale is left alone too.
 */
export async function seedDemoCity(db: DynamoDBDocumentClient, tableName: string, options: SeedOptions): Promise<boolean> {
  const log = options.log ?? (() => {});
  const marker = keys.seed(seedName(options.scale));
  const [{ Item: done }, { Item: other }] = await Promise.all([
    db.send(new GetCommand({ TableName: tableName, Key: marker, ConsistentRead: true })),
    db.send(new GetCommand({ TableName: tableName, Key: CITY_MARKER, ConsistentRead: true })),
  ]);
  if (done) return false;
  if (other && other.scale !== options.scale) {
    log(`the data already holds the Wuhai demo city at scale ${String(other.scale)}; not seeding scale ${options.scale} over it (start with fresh data to change the scale)`);
    return false;
  }

  const started = performance.now();
  const city = generateDemoCity({ scale: options.scale });
  const items = demoCityItems(city, options.piiHashKey);
  const seen = new Set<string>();
  for (const item of items) {
    const key = `${String(item.PK)}|${String(item.SK)}`;
    // A batch with a repeated key is refused whole; better to fail here with the culprit.
    if (seen.has(key)) throw new Error(`demo city: duplicate item key ${key}`);
    seen.add(key);
  }

  const total = items.length;
  const format = (n: number) => n.toLocaleString('en-US');
  let written = 0;
  let nextReport = 0.2;
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const start = next;
      next += BATCH_SIZE;
      let requests: WriteRequest[] = items.slice(start, start + BATCH_SIZE).map((Item) => ({ PutRequest: { Item } }));
      const size = requests.length;
      for (let attempt = 1; requests.length; attempt++) {
        if (attempt > MAX_ATTEMPTS) throw new Error(`demo city: ${requests.length} items still unprocessed after ${MAX_ATTEMPTS} attempts`);
        if (attempt > 1) await sleep(Math.min(2000, 50 * 2 ** (attempt - 2)));
        const { UnprocessedItems } = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
      }
      written += size;
      if (written / total >= nextReport && written < total) {
        log(`seeding Wuhai demo city: ${format(written)}/${format(total)} items`);
        while (written / total >= nextReport) nextReport += 0.2;
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));

  const seconds = (performance.now() - started) / 1000;
  const licensed = city.enterprises.filter((e) => e.enterprise.status === 'licensed' && e.enterprise.licenceValidUntil >= REFERENCE_DATE).length;
  const summary = {
    scale: options.scale,
    items: total,
    streets: city.streets.length,
    communities: city.communities.length,
    centers: city.centers.length,
    enterprises: city.enterprises.length,
    licensed,
    caregivers: city.caregivers.length,
    elders: city.elders.length,
  };
  await db.send(new PutCommand({ TableName: tableName, Item: { ...CITY_MARKER, entity: 'Seed', ...summary } }));
  await db.send(new PutCommand({ TableName: tableName, Item: { ...marker, entity: 'Seed', ...summary, seconds: Math.round(seconds * 10) / 10 } }));
  log(
    `seeded the Wuhai demo city (scale ${options.scale}): ${summary.streets} streets, ${summary.communities} communities, ${summary.centers} centres, ` +
      `${format(summary.enterprises)} companies (${format(licensed)} licensed), ${format(summary.caregivers)} caregivers, ${format(summary.elders)} elders; ` +
      `${format(total)} items in ${seconds.toFixed(1)} s`,
  );
  return true;
}
