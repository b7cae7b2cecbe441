import * as z from 'zod';

export const LocationSchema = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});
export type Location = z.infer<typeof LocationSchema>;

const EARTH_RADIUS_KM = 6371.0088;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in kilometres. */
export function distanceKm(a: Location, b: Location): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Travel time by road, estimated from the straight line: road distance is the
 * straight line times a detour factor, driven at a city road speed. The same
 * model serves dispatch and the bureau's coverage, so "inside the circle"
 * means the same thing everywhere.
 */
export interface TravelModel {
  speedKmh: number;
  detourFactor: number;
  circleMinutes: number;
}

export const defaultTravelModel: TravelModel = { speedKmh: 12, detourFactor: 1.3, circleMinutes: 15 };

export function travelMinutes(a: Location, b: Location, model: TravelModel = defaultTravelModel): number {
  return (distanceKm(a, b) * model.detourFactor * 60) / model.speedKmh;
}

/** Straight-line radius of the circle, for choosing index cells. */
export function circleRadiusKm(model: TravelModel = defaultTravelModel): number {
  return (model.circleMinutes * model.speedKmh) / (60 * model.detourFactor);
}
