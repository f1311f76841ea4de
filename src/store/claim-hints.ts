/** Hints remembered past this many (claims never processed) drop the oldest. */
const MAX_HINTS = 4_096;

/**
 * What the inbox learned about a call's report while claiming its item (SQLite: the report row,
 * read with the claim; Azure: that no version of the call was ever completed), handed once to the
 * report store's `processedReport` of the same call so it need not read the row. One per store
 * instance, shared by its inbox and reports. A hint only saves a read: the report write is
 * guarded (a version or an ETag), so a row written since the claim is noticed and read then.
 */
export class ClaimHints<T> {
  private readonly hints = new Map<string, { value: T }>();

  /** Remembers what the claim saw of the call's report. */
  remember(tenantId: string, callId: string, value: T): void {
    const key = keyOf(tenantId, callId);
    this.hints.delete(key);
    if (this.hints.size >= MAX_HINTS) this.hints.delete(this.hints.keys().next().value!);
    this.hints.set(key, { value });
  }

  /** The call's hint, used up; undefined when there is none. */
  take(tenantId: string, callId: string): { value: T } | undefined {
    const key = keyOf(tenantId, callId);
    const hint = this.hints.get(key);
    this.hints.delete(key);
    return hint;
  }
}

function keyOf(tenantId: string, callId: string): string {
  return `${tenantId}\n${callId}`;
}
