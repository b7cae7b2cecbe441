import '../shared/aws/platform.js';
import { httpHandler, json } from '../shared/http.js';
import { listCenters, listEldersOfCenter } from '../shared/registry-store.js';

export const handler = httpHandler('registry', {
  'GET /centers': async ({ platform }) => json(200, { items: await listCenters(platform), nextCursor: null }),
  // The route allows only centres: a centre sees its own elders, in full.
  'GET /elders': async ({ platform, principal }) =>
    json(200, { items: await listEldersOfCenter(platform, principal!.orgId), nextCursor: null }),
});
