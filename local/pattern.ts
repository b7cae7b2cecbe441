/**
 * The subset of EventBridge / Lambda event-filter pattern matching that the
 * platform's rules use: every key of the pattern must be present; an array
 * lists the allowed values; an object descends. (AWS documents the full
 * grammar; prefixes, numeric ranges and `exists` are not used here, and a
 * pattern using them is rejected rather than silently mismatched.)
 */
export type Pattern = { readonly [key: string]: Pattern | readonly (string | number | boolean | null)[] };

export function matchesPattern(pattern: Pattern, value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = record[key];
    if (Array.isArray(expected)) {
      if (expected.some((e) => typeof e === 'object' && e !== null)) {
        throw new Error(`unsupported pattern operator at ${key}`);
      }
      // EventBridge matches an array value when any element is allowed.
      const candidates = Array.isArray(actual) ? actual : [actual];
      return candidates.some((c) => expected.includes(c as string | number | boolean | null));
    }
    return matchesPattern(expected as Pattern, actual);
  });
}
