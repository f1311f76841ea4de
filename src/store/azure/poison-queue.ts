import type { QueueClient } from '@azure/storage-queue';
import { decodeMessage, type PoisonRecord } from './queue-lease-types';

/** A message set aside in the poison queue (its {@link PoisonRecord}): where from, why, and whether it can go back. */
export interface PoisonedMessage {
  /** The queue it was taken from, as the record names it. */
  queue: string | undefined;
  reason: string;
  /** How many times it had been received when it was set aside. */
  dequeueCount: number | undefined;
  setAsideAt: string | undefined;
  /**
   * Whether this build reads its text as a message of that queue (one of this store's): then a
   * replay sends it back, and it is claimed as any other. A message an instance of an older build
   * could not read (a group message, during an upgrade) is one.
   */
  replayable: boolean;
}

/** What one replay did. */
export interface PoisonReplay {
  /** Sent back to their queues and taken out of the poison queue. */
  replayed: number;
  /** Left in the poison queue: not a message of this store's queues, or not one this build reads. */
  kept: number;
}

/** The store's poison queue: messages set aside by a claim (unreadable, or failing every time). */
export interface PoisonQueue {
  /** How many messages it holds (the service's approximate count), and the oldest up to 32, left in place. */
  list(): Promise<{ total: number; oldest: PoisonedMessage[] }>;
  /** Sends every replayable message back to its queue, then takes it out of the poison queue (see {@link PoisonedMessage.replayable}). */
  replay(): Promise<PoisonReplay>;
}

/** A queue of the store a poisoned message may go back to, and how this build reads its messages. */
export interface ReplayTarget {
  client: QueueClient;
  parse(body: unknown): unknown;
}

/** Queue peeks and receives return at most 32 messages. */
const MAX_MESSAGES = 32;
/** How long a replay hides the messages it leaves while it runs, so that one pass meets each once (shown again at its end). */
const KEPT_HIDDEN_SECONDS = 300;

/**
 * The poison queue of a store whose queues are `targets` (by name). A replay sends a message back
 * before deleting it from the poison queue, so a replay cut short leaves at worst a duplicate,
 * which a claim drops (every message leads to a conditional write only after reading its row).
 */
export function createPoisonQueue(poison: QueueClient, targets: ReadonlyMap<string, ReplayTarget>): PoisonQueue {
  const read = (text: string, insertedOn: Date | undefined): PoisonedMessage & { text: string | undefined } => {
    // Read field by field: the poison queue may hold what an older build or a person put there.
    const record = decodeMessage(text) as { [K in keyof PoisonRecord]?: unknown } | undefined;
    const queue = typeof record?.queue === 'string' ? record.queue : undefined;
    const original = typeof record?.text === 'string' ? record.text : undefined;
    const target = queue === undefined ? undefined : targets.get(queue);
    return {
      queue,
      reason: typeof record?.reason === 'string' ? record.reason : 'No reason recorded (not a record this store writes).',
      dequeueCount: typeof record?.dequeueCount === 'number' ? record.dequeueCount : undefined,
      setAsideAt: insertedOn?.toISOString(),
      replayable: target !== undefined && original !== undefined && target.parse(decodeMessage(original)) !== undefined,
      text: original,
    };
  };

  return {
    async list() {
      const [properties, peeked] = await Promise.all([poison.getProperties(), poison.peekMessages({ numberOfMessages: MAX_MESSAGES })]);
      return {
        total: properties.approximateMessagesCount ?? peeked.peekedMessageItems.length,
        oldest: peeked.peekedMessageItems.map((item) => {
          const { text: _text, ...message } = read(item.messageText, item.insertedOn);
          return message;
        }),
      };
    },

    async replay() {
      const outcome: PoisonReplay = { replayed: 0, kept: 0 };
      const seen = new Set<string>();
      const kept: Array<{ messageId: string; popReceipt: string }> = [];
      for (;;) {
        const { receivedMessageItems: items } = await poison.receiveMessages({ numberOfMessages: MAX_MESSAGES, visibilityTimeout: KEPT_HIDDEN_SECONDS });
        const fresh = items.filter((item) => !seen.has(item.messageId));
        if (fresh.length === 0) break;
        for (const item of fresh) {
          seen.add(item.messageId);
          const message = read(item.messageText, item.insertedOn);
          if (!message.replayable) {
            kept.push(item);
            outcome.kept += 1;
            continue;
          }
          await targets.get(message.queue!)!.client.sendMessage(message.text!, { messageTimeToLive: -1 });
          await poison.deleteMessage(item.messageId, item.popReceipt);
          outcome.replayed += 1;
        }
      }
      // The pass is over: what stays is visible again at once, for the next look.
      for (const { messageId, popReceipt } of kept) await poison.updateMessage(messageId, popReceipt, undefined, 0).catch(() => undefined);
      return outcome;
    },
  };
}
