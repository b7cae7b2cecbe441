/** Where the exported event JSON Schemas live: events/schemas/<Type>.v<version>.json. */
export const schemasDir = new URL('./schemas/', import.meta.url);
export const schemaFileName = (type: string, version: number) => `${type}.v${version}.json`;
