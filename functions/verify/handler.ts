import '../shared/aws/platform.js';
import { Refusal } from '../../domain/errors.js';
import { httpHandler } from '../shared/http.js';

const notYet = async (): Promise<never> => {
  throw new Refusal(404, 'NOT_IMPLEMENTED', 'not implemented yet');
};

export const handler = httpHandler('verify', { 'GET /verify/{code}': notYet, 'GET /verify/{code}/qr.svg': notYet });
