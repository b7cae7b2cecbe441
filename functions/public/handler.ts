import '../shared/aws/platform.js';
import { services } from '../../domain/catalog.js';
import { openApiDocument } from '../openapi.js';
import { httpHandler, json } from '../shared/http.js';

export const handler = httpHandler('public', {
  'GET /health': async () => json(200, { status: 'ok' }),
  'GET /openapi.json': async () => json(200, openApiDocument()),
  // The catalogue changes only with a deployment: let phones and proxies cache it.
  'GET /catalog/services': async () => json(200, { items: services, nextCursor: null }, { 'cache-control': 'public, max-age=300' }),
});
