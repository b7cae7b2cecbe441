import gcoordModule from 'gcoord';
import * as z from 'zod';
import type { Location } from './geo.js';

/**
 * Chinese maps and geocoders give GCJ-02 (Amap, Tencent) or BD-09 (Baidu)
 * coordinates, hundreds of metres off WGS-84. Everything is stored as
 * WGS-84; inputs say which system they use.
 */
export const Crs = z.enum(['wgs84', 'gcj02', 'bd09']);
export type Crs = z.infer<typeof Crs>;

// gcoord's typings declare an ES default export; at run time Node hands ESM the CommonJS object itself.
type Gcoord = typeof gcoordModule.default;
const gcoord: Gcoord = (gcoordModule as unknown as { default?: Gcoord }).default ?? (gcoordModule as unknown as Gcoord);

const systems = { wgs84: gcoord.WGS84, gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

export function toWgs84(location: Location, crs: Crs = 'wgs84'): Location {
  if (crs === 'wgs84') return location;
  const [lon, lat] = gcoord.transform([location.lon, location.lat], systems[crs], gcoord.WGS84) as [number, number];
  return { lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6 };
}

/** A location as clients send it: WGS-84 unless `crs` says otherwise. */
export const LocationInput = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  crs: Crs.optional(),
});
export type LocationInput = z.infer<typeof LocationInput>;

export const fromInput = (input: LocationInput): Location => toWgs84({ lat: input.lat, lon: input.lon }, input.crs);

/** WGS-84 to GCJ-02, for links into Chinese map apps (Amap expects GCJ-02). */
export function toGcj02(location: Location): Location {
  const [lon, lat] = gcoord.transform([location.lon, location.lat], gcoord.WGS84, gcoord.GCJ02) as [number, number];
  return { lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6 };
}
