/**
 * Table definitions, declared once as plain data: the CDK stack builds
 * DynamoDB tables from them and the local runtime creates the same tables in
 * DynamoDB Local. All key attributes are strings. See
 * docs/decisions/0002-single-table-keys.md for the key design.
 */
export interface IndexDefinition {
  name: string;
  partitionKey: string;
  sortKey: string;
}

export interface TableDefinition {
  /** CDK construct id, and the table name in the local runtime. */
  id: string;
  /** Environment variable through which handlers learn the table's name. */
  envVar: string;
  partitionKey: string;
  sortKey?: string;
  indexes: readonly IndexDefinition[];
  ttlAttribute?: string;
  /** Stream view the outbox relay reads; absent when the table has no stream. */
  stream?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';
}

/** All platform state: registry, visits, offers, links and the event outbox. */
export const careTable: TableDefinition = {
  id: 'CareData',
  envVar: 'TABLE_NAME',
  partitionKey: 'PK',
  sortKey: 'SK',
  indexes: [
    // Lists by owner: centres of the city, elders and visits of a centre.
    { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    // Caregivers by geohash cell, so a dispatch reads only cells near the elder.
    { name: 'GEO', partitionKey: 'GEOPK', sortKey: 'GEOSK' },
  ],
  ttlAttribute: 'ttl',
  stream: 'NEW_IMAGE',
};

/** Powertools idempotency records (Idempotency-Key of POST /visits). */
export const idempotencyTable: TableDefinition = {
  id: 'Idempotency',
  envVar: 'IDEMPOTENCY_TABLE',
  partitionKey: 'id',
  indexes: [],
  ttlAttribute: 'expiration',
};

export const platformTables = [careTable, idempotencyTable] as const;
