import { describe, expect, it } from 'vitest';
import { MyJobsRequest, myJobsItems, normaliseMobile, onMyJobsList } from '../../domain/my-jobs.js';
import type { Visit } from '../../domain/visit.js';

const visit = (over: Partial<Visit> = {}): Visit => ({
  id: 'v1',
  centerId: 'ctr-1',
  elderId: 'eld-1',
  serviceCode: 'cleaning',
  earliestStart: '2026-12-01T09:00:00+08:00',
  latestStart: '2026-12-01T10:00:00+08:00',
  durationMin: 120,
  urgency: 'routine',
  status: 'ASSIGNED',
  wave: 1,
  createdAt: '2026-11-28T09:00:00+08:00',
  assignment: { caregiverId: 'cg-1', enterpriseId: 'ent-1', acceptedAt: '2026-11-28T09:05:00+08:00' },
  ...over,
});
const checkedOut = (at: string): Visit['verification'] => ({
  checkIn: { at: '2026-12-01T09:00:00+08:00', method: 'doorCode', flagged: false },
  checkOut: { at, method: 'doorCode', flagged: false, note: '完成', checklist: [], deviationMin: 0 },
});

describe('my jobs', () => {
  it('takes a mobile as people type it, and refuses anything else', () => {
    for (const typed of ['13804731234', '138 0473 1234', '138-0473-1234', '+86 138 0473 1234', '+8613804731234', '008613804731234', '8613804731234']) {
      expect(MyJobsRequest.parse({ phone: typed }), typed).toEqual({ phone: '13804731234' });
    }
    for (const bad of ['', '12345', '0473-1234567', '+1 138 0473 1234', '1380473123x', undefined, 13804731234]) {
      expect(MyJobsRequest.safeParse({ phone: bad }).success, String(bad)).toBe(false);
    }
    expect(normaliseMobile(42)).toBe(42);
  });

  it('lists the caregiver’s jobs to come and under way until their day is over, and completed ones for a week', () => {
    const now = new Date('2026-12-01T12:00:00+08:00');
    expect(onMyJobsList(visit(), 'cg-1', now)).toBe(true);
    expect(onMyJobsList(visit(), 'cg-2', now)).toBe(false);
    expect(onMyJobsList(visit({ status: 'IN_PROGRESS' }), 'cg-1', new Date('2026-12-01T23:59:00+08:00'))).toBe(true);
    expect(onMyJobsList(visit(), 'cg-1', new Date('2026-12-02T00:00:01+08:00'))).toBe(false);
    for (const status of ['CANCELLED', 'OFFERED', 'UNFILLED'] as const) expect(onMyJobsList(visit({ status }), 'cg-1', now)).toBe(false);
    expect(onMyJobsList(visit({ status: 'ASSIGNED', assignment: null }), 'cg-1', now)).toBe(false);
    const done = visit({ status: 'COMPLETED', verification: checkedOut('2026-12-01T11:00:00+08:00') });
    expect(onMyJobsList(done, 'cg-1', new Date('2026-12-08T11:00:00+08:00'))).toBe(true);
    expect(onMyJobsList(done, 'cg-1', new Date('2026-12-08T11:00:01+08:00'))).toBe(false);
    expect(onMyJobsList(visit({ status: 'COMPLETED' }), 'cg-1', now)).toBe(false);
  });

  it('shows them in start order, with nothing about where or for whom', () => {
    const now = new Date('2026-11-30T12:00:00+08:00');
    const later = visit({ id: 'v2', earliestStart: '2026-12-03T08:00:00+08:00', latestStart: '2026-12-03T09:00:00+08:00' });
    const items = myJobsItems([later, visit(), visit({ id: 'v3', assignment: { caregiverId: 'cg-9', enterpriseId: 'e', acceptedAt: '2026-11-28T09:05:00+08:00' } })], 'cg-1', now);
    expect(items.map((i) => i.visitId)).toEqual(['v1', 'v2']);
    expect(Object.keys(items[0]!).sort()).toEqual(['earliestStart', 'latestStart', 'serviceCode', 'status', 'visitId']);
  });
});
