/**
 * `SET #a = :a, #b = :b` for the given fields: one UpdateItem writes exactly
 * what a PATCH changed, nothing else.
 */
export function setFields(changes: Record<string, unknown>) {
  const fields = Object.keys(changes).filter((f) => changes[f] !== undefined);
  return {
    fields,
    UpdateExpression: `SET ${fields.map((f) => `#${f} = :${f}`).join(', ')}`,
    ExpressionAttributeNames: Object.fromEntries(fields.map((f) => [`#${f}`, f])),
    ExpressionAttributeValues: Object.fromEntries(fields.map((f) => [`:${f}`, changes[f]])),
  };
}
