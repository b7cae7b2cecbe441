import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  TrimmedDataAccessException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { outboxStreamFilter } from '../events/rules.js';
import { type Pattern, matchesPattern } from './pattern.js';

interface ShardState {
  shard: Shard;
  iterator: string | undefined;
  done: boolean;
  /** Consecutive failed attempts at the same record. */
  failures: number;
}

/** As the deployed event source mapping (infra: retryAttempts): then the record is set aside. */
const MAX_RETRIES = 10;
/** Records per GetRecords call (the API's maximum); the relay gets batches of up to this many outbox records. */
const PAGE_SIZE = 1000;
/** The relay's batch size, as the deployed event source mapping sets it (infra: batchSize). */
const BATCH_SIZE = 100;

/**
 * The local stand-in for Lambda's DynamoDB Streams event source mapping: reads
 * every shard of the table's stream in order, keeps the records that pass the
 * same filter CDK sets, and calls the relay handler with stream-shaped
 * batches. Progress is checkpointed in the local runtime table, so a restart
 * resumes where it stopped; a reported item failure is retried from there.
 */
export class StreamReader {
  private readonly shards = new Map<string, ShardState>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private lastDescribe = 0;

  constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly streamArn: string,
    private readonly checkpoints: { db: DynamoDBDocumentClient; tableName: string },
    private readonly handle: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>,
    private readonly log: (line: string) => void,
  ) {}

  start(intervalMs = 100): void {
    this.timer = setInterval(() => {
      if (this.polling) return;
      this.polling = this.poll()
        .catch((error: Error) => this.log(`stream reader: ${error.message}`))
        .finally(() => (this.polling = undefined));
    }, intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
  }

  /** One pass over all open shards. */
  async poll(): Promise<void> {
    if (Date.now() - this.lastDescribe > 1000 || this.shards.size === 0) await this.refreshShards();
    for (const state of this.shards.values()) {
      if (state.done) continue;
      const parent = state.shard.ParentShardId ? this.shards.get(state.shard.ParentShardId) : undefined;
      if (parent && !parent.done) continue; // a child shard waits for its parent, as Lambda does
      try {
        // Keep reading while pages bring records (a freshly seeded table has
        // thousands of records to pass), up to a bound so one pass stays short.
        for (let pages = 0; pages < 50 && (await this.readShard(state)) === 'more'; pages++);
      } catch (error) {
        // One shard's trouble must not starve the others.
        this.log(`stream reader, shard ${state.shard.ShardId}: ${(error as Error).message}`);
      }
    }
  }

  private async refreshShards(): Promise<void> {
    this.lastDescribe = Date.now();
    let ExclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await this.streams.send(new DescribeStreamCommand({ StreamArn: this.streamArn, ExclusiveStartShardId }));
      for (const shard of StreamDescription?.Shards ?? []) {
        if (shard.ShardId && !this.shards.has(shard.ShardId)) this.shards.set(shard.ShardId, { shard, iterator: undefined, done: false, failures: 0 });
      }
      ExclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (ExclusiveStartShardId);
  }

  private checkpointKey(shardId: string) {
    return { PK: 'STREAM', SK: `${this.streamArn}#${shardId}` };
  }

  private async iteratorFor(shardId: string, type?: ShardIteratorType, sequenceNumber?: string): Promise<string | undefined> {
    if (!type) {
      const { Item } = await this.checkpoints.db.send(new GetCommand({ TableName: this.checkpoints.tableName, Key: this.checkpointKey(shardId) }));
      const checkpoint = Item?.sequenceNumber as string | undefined;
      return this.iteratorFor(shardId, checkpoint ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON', checkpoint);
    }
    try {
      const { ShardIterator } = await this.streams.send(
        new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: shardId, ShardIteratorType: type, SequenceNumber: sequenceNumber }),
      );
      return ShardIterator;
    } catch (error) {
      // The checkpoint is older than the stream keeps (24 hours): start from the oldest record kept.
      if (error instanceof TrimmedDataAccessException && type !== 'TRIM_HORIZON') {
        this.log(`stream reader: checkpoint of shard ${shardId} was trimmed; reading from the oldest record`);
        return this.iteratorFor(shardId, 'TRIM_HORIZON');
      }
      throw error;
    }
  }

  /** Reads one page of the shard; 'more' when it had records and more may be waiting. */
  private async readShard(state: ShardState): Promise<'more' | 'caught-up'> {
    const shardId = state.shard.ShardId!;
    state.iterator ??= await this.iteratorFor(shardId);
    if (!state.iterator) {
      state.done = true;
      return 'caught-up';
    }
    let page;
    try {
      page = await this.streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: PAGE_SIZE }));
    } catch (error) {
      if (error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException) {
        state.iterator = undefined;
        return 'caught-up';
      }
      throw error;
    }
    const records = page.Records ?? [];
    const batch = records.map((r) => this.toLambdaRecord(r)).filter((r) => matchesPattern(outboxStreamFilter as unknown as Pattern, r));
    for (let i = 0; i < batch.length; i += BATCH_SIZE) {
      const result = await this.handle({ Records: batch.slice(i, i + BATCH_SIZE) });
      const failed = result?.batchItemFailures?.[0]?.itemIdentifier;
      if (failed && ++state.failures <= MAX_RETRIES) {
        // Retry from the failed record on the next pass, as the event source mapping does.
        state.iterator = await this.iteratorFor(shardId, 'AT_SEQUENCE_NUMBER', failed);
        return 'caught-up';
      }
      if (failed) this.log(`stream reader: gave up on record ${failed} after ${MAX_RETRIES} retries (the deployed relay sends it to its dead-letter queue)`);
      state.failures = 0;
    }
    const last = records.at(-1)?.dynamodb?.SequenceNumber;
    if (last) {
      await this.checkpoints.db.send(
        new PutCommand({ TableName: this.checkpoints.tableName, Item: { ...this.checkpointKey(shardId), sequenceNumber: last } }),
      );
    }
    state.iterator = page.NextShardIterator;
    if (!state.iterator) state.done = true;
    return records.length > 0 ? 'more' : 'caught-up';
  }

  private toLambdaRecord(record: StreamRecord): DynamoDBRecord {
    const d = record.dynamodb ?? {};
    return {
      eventID: record.eventID,
      eventName: record.eventName,
      eventVersion: record.eventVersion ?? '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: record.awsRegion ?? 'local',
      eventSourceARN: this.streamArn,
      dynamodb: {
        ...(d.ApproximateCreationDateTime ? { ApproximateCreationDateTime: Math.floor(d.ApproximateCreationDateTime.getTime() / 1000) } : {}),
        Keys: d.Keys as NonNullable<DynamoDBRecord['dynamodb']>['Keys'],
        NewImage: d.NewImage as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'],
        OldImage: d.OldImage as NonNullable<DynamoDBRecord['dynamodb']>['OldImage'],
        SequenceNumber: d.SequenceNumber,
        SizeBytes: d.SizeBytes,
        StreamViewType: d.StreamViewType,
      },
    };
  }
}
