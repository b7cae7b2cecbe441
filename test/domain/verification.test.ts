import { describe, expect, it } from 'vitest';
import { Refusal } from '../../domain/errors.js';
import { CheckInRequest, CheckOutRequest, checkInRefusal, checklistFor, durationDeviation, jobLinkExpiry, jobOpenUntil, presence } from '../../domain/verification.js';

const home = { location: { lat: 39.6731, lon: 106.8123 }, doorCode: '7K3MQ9XA' };
/** A point `metres` north of the home (1° of latitude ≈ 111.2 km). */
const north = (metres: number) => ({ lat: home.location.lat + metres / 111_195, lon: home.location.lon });
const AT = '2026-12-01T09:05:00+08:00';

describe('presence at the door', () => {
  it('accepts a fix inside the geofence, widened by the fix’s own accuracy, and flags one beyond it', () => {
    expect(presence({ ...north(120), accuracy: 10 }, home, AT)).toMatchObject({ method: 'gps', distanceM: 120, flagged: false });
    expect(presence({ ...north(180), accuracy: 10 }, home, AT)).toMatchObject({ distanceM: 180, flagged: true });
    expect(presence({ ...north(180), accuracy: 50 }, home, AT)).toMatchObject({ distanceM: 180, accuracyM: 50, flagged: false });
    expect(presence({ ...north(2000), accuracy: 30 }, home, AT, { geofenceM: 3000, checkInLeadMin: 60, durationToleranceMin: 15, noShowGraceMin: 15, reminderLeadMin: 120 }).flagged).toBe(false);
  });

  it('takes the door card’s code instead of a fix, and refuses a wrong one naming the field', () => {
    expect(presence({ doorCode: '7K3MQ9XA' }, home, AT)).toEqual({ at: AT, method: 'doorCode', flagged: false });
    expect(() => presence({ doorCode: '7K3MQ9XB' }, home, AT)).toThrow(expect.objectContaining({ status: 400, code: 'DOOR_CODE_WRONG', field: 'doorCode' }));
    expect(() => presence({ doorCode: '7K3MQ9XA' }, { location: home.location }, AT)).toThrow(Refusal);
  });
});

describe('check-in and check-out requests', () => {
  it('reads form strings, ignores empty fields, and wants a fix or a door code', () => {
    expect(CheckInRequest.parse({ lat: '39.67', lon: '106.81', accuracy: '12.5', doorCode: '' })).toMatchObject({ lat: 39.67, lon: 106.81, accuracy: 12.5 });
    expect(CheckInRequest.parse({ lat: '', lon: '', accuracy: '', doorCode: ' 7k3mq9xa ' })).toMatchObject({ doorCode: '7K3MQ9XA' });
    expect(CheckInRequest.safeParse({ lat: '', lon: '', doorCode: '' }).error?.issues[0]?.path).toEqual(['lat']);
    expect(CheckInRequest.safeParse({ lat: 'north', lon: '106.8' }).success).toBe(false);
    expect(CheckInRequest.safeParse({ doorCode: 'OIL-1234' }).error?.issues[0]?.path).toEqual(['doorCode']);
  });

  it('wants a care note at check-out, and takes one ticked box or many', () => {
    expect(CheckOutRequest.parse({ doorCode: '7K3MQ9XA', note: '打扫了客厅和厨房', checklist: 'rooms' }).checklist).toEqual(['rooms']);
    expect(CheckOutRequest.parse({ doorCode: '7K3MQ9XA', note: '打扫了客厅和厨房', checklist: ['rooms', 'rubbish'] }).checklist).toEqual(['rooms', 'rubbish']);
    expect(CheckOutRequest.parse({ doorCode: '7K3MQ9XA', note: '打扫了客厅和厨房' }).checklist).toEqual([]);
    expect(CheckOutRequest.safeParse({ doorCode: '7K3MQ9XA', note: ' ' }).error?.issues[0]?.path).toEqual(['note']);
  });
});

describe('when check-in is open', () => {
  const visit = { status: 'ASSIGNED' as const, earliestStart: '2026-12-01T09:00:00+08:00', latestStart: '2026-12-01T10:00:00+08:00', durationMin: 120 };
  it('opens an hour before the window and closes with the visit’s day', () => {
    expect(checkInRefusal(visit, new Date('2026-12-01T07:59:00+08:00'))?.code).toBe('TOO_EARLY');
    expect(checkInRefusal(visit, new Date('2026-12-01T08:00:00+08:00'))).toBeUndefined();
    expect(checkInRefusal(visit, new Date('2026-12-01T23:59:00+08:00'))).toBeUndefined();
    expect(checkInRefusal(visit, new Date('2026-12-02T00:00:01+08:00'))?.code).toBe('LINK_EXPIRED');
    expect(checkInRefusal({ ...visit, status: 'IN_PROGRESS' }, new Date('2026-12-01T09:00:00+08:00'))?.code).toBe('ALREADY_CHECKED_IN');
    expect(jobLinkExpiry({ latestStart: '2026-12-01T23:30:00+08:00', durationMin: 60 }).toISOString()).toBe('2026-12-02T15:59:59.999Z');
  });

  it('keeps an accepted job open to the end of its day, and a completed one through its evaluation week', () => {
    const endOfDay = '2026-12-01T15:59:59.999Z';
    expect(jobOpenUntil(visit)?.toISOString()).toBe(endOfDay);
    expect(jobOpenUntil({ ...visit, status: 'IN_PROGRESS' })?.toISOString()).toBe(endOfDay);
    const checkOut = { at: '2026-12-01T11:05:00+08:00', method: 'gps' as const, flagged: false, note: '完成', checklist: [], deviationMin: 0 };
    expect(jobOpenUntil({ ...visit, status: 'COMPLETED', verification: { checkOut } })?.toISOString()).toBe('2026-12-08T03:05:00.000Z');
    // Completed without a check-out on record: nothing to rate, so nothing to open.
    expect(jobOpenUntil({ ...visit, status: 'COMPLETED' })).toBeUndefined();
  });

  it('asks for a reason when the visit ran more than 15 minutes off plan', () => {
    expect(durationDeviation('2026-12-01T09:00:00+08:00', '2026-12-01T11:10:00+08:00', 120)).toEqual({ deviationMin: 10, reasonNeeded: false });
    expect(durationDeviation('2026-12-01T09:00:00+08:00', '2026-12-01T10:30:00+08:00', 120)).toEqual({ deviationMin: -30, reasonNeeded: true });
  });

  it('has a checklist for every service, the service’s own items first', () => {
    expect(checklistFor('bathing')[0]!.code).toBe('waterTemp');
    expect(checklistFor('digitalHelp').map((i) => i.code)).toEqual(['greeted', 'safety', 'handover']);
  });
});
