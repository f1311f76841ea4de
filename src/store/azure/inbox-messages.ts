/** The inbox queue's messages: one call, or a group of new calls of one tenant (`docs/architecture.md`, "Group messages"). */

/** The inbox queue's message: which call, and the row generation it announces. */
export interface InboxMessage {
  t: string;
  c: string;
  g: number;
}

/**
 * A group message: the new calls of one tenant created together in one entity-group transaction,
 * announced by one message instead of one each (see `QueueLeases`: it is the lease of the rows a
 * claim takes from it).
 */
export interface InboxGroupMessage {
  t: string;
  cs: string[];
  g: number;
}

export type AnyInboxMessage = InboxMessage | InboxGroupMessage;

export function parseInboxMessage(body: unknown): AnyInboxMessage | undefined {
  const message = body as Partial<InboxMessage & InboxGroupMessage> | undefined;
  if (typeof message?.t !== 'string' || typeof message.g !== 'number') return undefined;
  if (typeof message.c === 'string') return { t: message.t, c: message.c, g: message.g };
  if (Array.isArray(message.cs) && message.cs.length > 0 && message.cs.every((c) => typeof c === 'string')) return { t: message.t, cs: message.cs as string[], g: message.g };
  return undefined;
}

/** The one-call messages a message stands for. */
export function partsOf(message: AnyInboxMessage): InboxMessage[] {
  return 'cs' in message ? message.cs.map((c) => ({ t: message.t, c, g: message.g })) : [message];
}

/** One message for these one-call messages (all of one tenant: they come from one group message). */
export function joinParts(parts: readonly AnyInboxMessage[]): AnyInboxMessage {
  const calls = parts.flatMap(partsOf);
  if (calls.length === 1) return calls[0]!;
  const tenantId = calls[0]!.t;
  if (calls.some((call) => call.t !== tenantId)) throw new Error('An inbox group message names the calls of one tenant only.');
  return { t: tenantId, cs: calls.map((call) => call.c), g: Math.min(...calls.map((call) => call.g)) };
}
