import * as z from 'zod';
import { type Route, routes } from './routes.js';

const ErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});

const schemaOf = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

/** OpenAPI 3.1 description, generated from the route table and its zod schemas. */
export function openApiDocument(serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes as readonly Route[]) {
    const parameters = [
      ...[...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...(route.requiredHeaders ?? []).map((name) => ({ name, in: 'header', required: true, schema: { type: 'string' } })),
    ];
    // A file: JSON Lines are described by their record schema, anything else as text.
    const fileContent = (types: Route['produces'], schema?: z.ZodType) =>
      Object.fromEntries([types ?? []].flat().map((type) => [type, { schema: schema && type === 'application/x-ndjson' ? schemaOf(schema) : { type: 'string' } }]));
    const success = route.produces
      ? { description: 'OK', content: fileContent(route.produces, route.response) }
      : { description: 'OK', ...(route.response ? { content: { 'application/json': { schema: schemaOf(route.response) } } } : {}) };
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      summary: route.summary,
      tags: [route.group],
      ...(route.access === 'public' ? { security: [] } : { 'x-roles': route.access }),
      ...(parameters.length ? { parameters } : {}),
      ...(route.request
        ? { requestBody: { required: true, content: route.consumes ? fileContent(route.consumes, route.request) : { 'application/json': { schema: schemaOf(route.request) } } } }
        : {}),
      responses: {
        [route.method === 'POST' && route.request && !route.consumes ? '201' : '200']: success,
        '4XX': { description: 'Refused: the error names the problem and the field', content: { 'application/json': { schema: schemaOf(ErrorSchema) } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: '一刻钟 Care Dispatch API', version: '0.1.0' },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: { securitySchemes: { jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ jwt: [] }],
    paths,
  };
}
