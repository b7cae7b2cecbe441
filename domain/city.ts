import * as z from 'zod';
import { type Location, LocationSchema, distanceKm } from './geo.js';
import { Id } from './registry.js';

/** A street office (街道) or town (镇): the unit that has one hub centre. */
export const StreetSchema = z.object({
  id: Id,
  nameZh: z.string(),
  nameEn: z.string(),
  kind: z.enum(['street', 'town']),
  district: z.string(),
  districtEn: z.string(),
  location: LocationSchema,
  hubCenterId: Id,
});
export type Street = z.infer<typeof StreetSchema>;

/** A residents' community (社区 / 嘎查村) of a street. */
export const CommunitySchema = z.object({
  id: Id,
  streetId: Id,
  nameZh: z.string(),
  location: LocationSchema,
});
export type Community = z.infer<typeof CommunitySchema>;

/** The community whose centre is nearest: how an elder's community is derived from the address's location. */
export function nearestCommunity(location: Location, communities: readonly Community[]): Community | undefined {
  let best: Community | undefined;
  let bestKm = Infinity;
  for (const community of communities) {
    const km = distanceKm(location, community.location);
    if (km < bestKm || (km === bestKm && best && community.id < best.id)) {
      best = community;
      bestKm = km;
    }
  }
  return best;
}

/** Wuhai's centre and a radius that takes in all of its 1,669 km² (the three districts lie within about 40 km). */
export const CITY = { centre: { lat: 39.655, lon: 106.794 }, radiusKm: 60 } as const;

/** Whether a location is plausibly in the city: catches swapped lat/lon, zeros and other cities' coordinates. */
export const inCity = (location: Location) => distanceKm(location, CITY.centre) <= CITY.radiusKm;

/** How far a given community may lie from the elder's address. */
export const MAX_COMMUNITY_KM = 5;
