import * as z from 'zod';

export const Role = z.enum(['center', 'enterprise', 'bureau', 'admin']);
export type Role = z.infer<typeof Role>;

/** Who is calling: a role bound to an organisation (centre id, enterprise id, or the city code). */
export const PrincipalSchema = z.object({ role: Role, orgId: z.string().min(1).max(64) });
export type Principal = z.infer<typeof PrincipalSchema>;

export const CITY_CODE = '150300';
