/** A TransactWrite cancelled because a condition did not hold (someone else got there first). */
export function isTransactionCancelled(error: unknown): error is Error & { CancellationReasons?: Array<{ Code?: string }> } {
  return error instanceof Error && error.name === 'TransactionCanceledException';
}

export function cancelledOnlyByConflict(error: unknown): boolean {
  if (!isTransactionCancelled(error)) return false;
  const codes = (error.CancellationReasons ?? []).map((r) => r.Code).filter((c) => c && c !== 'None');
  return codes.length > 0 && codes.every((c) => c === 'TransactionConflict');
}

export const isConditionFailed = (error: unknown) =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';
