/** `npm run schemas`: writes the JSON Schema of every event envelope to events/schemas/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { eventJsonSchemas, EVENT_VERSION } from './catalog.js';
import { schemaFileName, schemasDir } from './schema-files.js';

mkdirSync(schemasDir, { recursive: true });
for (const [type, schema] of Object.entries(eventJsonSchemas())) {
  writeFileSync(new URL(schemaFileName(type, EVENT_VERSION), schemasDir), `${JSON.stringify(schema, null, 2)}\n`);
}
console.log(`wrote ${Object.keys(eventJsonSchemas()).length} event schemas to events/schemas/`);
