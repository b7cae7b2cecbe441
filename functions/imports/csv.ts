import { parse } from 'csv-parse/sync';
import { Refusal, badRequest } from '../../domain/errors.js';

export interface CsvRow {
  /** Line number in the file where the record starts; the header is line 1. */
  line: number;
  values: Record<string, string>;
}

/** Rows per request: an import must finish well within the API's 10-second budget (bench/ measures it). */
export const MAX_ROWS = 1000;

/** An uploaded file's bytes, as API Gateway hands the body over. */
export const uploadedBytes = (body: string, isBase64Encoded: boolean): Buffer => (isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8'));

const notUtf8 = () => new Refusal(415, 'NOT_UTF8', 'the file is not UTF-8 text; save it as UTF-8 ("CSV UTF-8" in Excel)', 'body');

/** The file as UTF-8 text; anything else (GBK from an old Excel, say) is refused rather than imported as garbage. */
export function decodeUtf8(bytes: Buffer): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw notUtf8();
  }
  // A body that reached us as text already had its bad bytes replaced.
  if (text.includes('\uFFFD')) throw notUtf8();
  return text;
}

/** Parses the CSV (with or without BOM), checking the header has the columns the kind needs. */
export function parseCsv(text: string, required: readonly string[] | ((header: readonly string[]) => readonly string[]), maxRows = MAX_ROWS): CsvRow[] {
  const checkHeader = (header: string[]) => {
    const names = header.map((h) => h.trim());
    const missing = (typeof required === 'function' ? required(names) : required).filter((c) => !names.includes(c));
    if (missing.length) throw badRequest('MISSING_COLUMN', `the header lacks column(s): ${missing.join(', ')}`, missing[0]);
    return names;
  };
  let records: Array<{ record: Record<string, string>; info: { lines: number; raw?: string } }>;
  try {
    // One line ending throughout, so that line numbers count as a person reads the file.
    records = parse(text.replace(/\r\n?/g, '\n'), { bom: true, columns: checkHeader, skip_empty_lines: true, trim: true, info: true, raw: true, relax_column_count: true }) as typeof records;
  } catch (error) {
    if (error instanceof Refusal) throw error;
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Refusal) throw cause;
    throw badRequest('INVALID_CSV', `the file is not valid CSV: ${(error as Error).message}`, 'body');
  }
  if (records.length > maxRows) throw new Refusal(413, 'TOO_MANY_ROWS', `at most ${maxRows} rows per file; split it`, 'body');
  return records.map(({ record, info }) => {
    // `lines` is where the record ends; a quoted cell may span lines.
    const raw = (info.raw ?? '').replace(/\n$/, '');
    const spans = raw.split('\n').length - 1;
    return { line: info.lines - spans, values: record };
  });
}
