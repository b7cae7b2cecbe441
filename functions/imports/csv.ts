import { parse } from 'csv-parse/sync';
import { Refusal, badRequest } from '../../domain/errors.js';

export interface CsvRow {
  /** Line number in the file; the header is line 1. */
  line: number;
  values: Record<string, string>;
}

/** At most this many data rows per request: one Lambda invocation must finish well within its timeout. */
export const MAX_ROWS = 2000;

/** Parses UTF-8 CSV (with or without BOM), checking the header has the columns the kind needs. */
export function parseCsv(text: string, required: readonly string[]): CsvRow[] {
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    records = parse(text, { bom: true, columns: true, skip_empty_lines: true, trim: true, info: true, relax_column_count: true }) as typeof records;
  } catch (error) {
    throw badRequest('INVALID_CSV', `the file is not valid CSV: ${(error as Error).message}`, 'body');
  }
  const header = Object.keys(records[0]?.record ?? {});
  const missing = records.length ? required.filter((c) => !header.includes(c)) : [];
  if (missing.length) throw badRequest('MISSING_COLUMN', `the header lacks column(s): ${missing.join(', ')}`, missing[0]);
  if (records.length > MAX_ROWS) throw new Refusal(413, 'TOO_MANY_ROWS', `at most ${MAX_ROWS} rows per file; split it`, 'body');
  return records.map(({ record, info }) => ({ line: info.lines, values: record }));
}
