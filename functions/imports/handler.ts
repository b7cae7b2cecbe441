import '../shared/aws/platform.js';
import * as z from 'zod';
import { Refusal, notFound } from '../../domain/errors.js';
import { type HttpEvent, httpHandler, json } from '../shared/http.js';
import { decodeUtf8, uploadedBytes } from './csv.js';
import { importCaregivers, importEnterprises } from './importers.js';

const Kind = z.enum(['enterprises', 'caregivers']);

function csvText(event: HttpEvent): string {
  const contentType = event.headers['content-type'] ?? '';
  if (!/^text\/csv\b/i.test(contentType)) throw new Refusal(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the file as text/csv (UTF-8)', 'content-type');
  return decodeUtf8(uploadedBytes(event.body ?? '', event.isBase64Encoded));
}

export const handler = httpHandler('imports', {
  'POST /import/{kind}': async ({ event, params, platform, principal }) => {
    const kind = Kind.safeParse(params.kind);
    if (!kind.success) throw notFound('UNKNOWN_IMPORT', `nothing to import as ${params.kind}; use enterprises or caregivers`, 'kind');
    if (kind.data === 'enterprises' && principal!.role === 'enterprise') {
      throw new Refusal(403, 'FORBIDDEN', 'only the bureau imports companies', 'kind');
    }
    const text = csvText(event);
    const result = kind.data === 'enterprises' ? await importEnterprises(platform, text, principal!) : await importCaregivers(platform, text, principal!);
    return json(200, result);
  },
});
