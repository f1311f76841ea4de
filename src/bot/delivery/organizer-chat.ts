import { cardPlanFor, mutedNotice } from '../../alerts';
import type { Logger } from '../../logger';
import { mutedUntil } from '../../settings';
import type { ConversationRecord, SentCard, Store } from '../../store';
import type { ProactiveMessenger } from '../proactive-messenger';
import { describeConnectorFailure, isTransientFailure } from '../teams-send-error';
import { sentCardIn, type CallToDeliver } from './call-claims';

/** Installs the app for a user through Graph (`POST /users/{id}/teamwork/installedApps`). */
export type InstallForUser = (tenantId: string, userAadId: string) => Promise<void>;

/** What is known about telling a call's organizer, before anything is sent. */
export type OrganizerOutcome =
  /** Their chat is known: a card is to be sent (`new`) or updated there. */
  | { kind: 'card'; conversation: ConversationRecord; existing: SentCard | undefined; mode: 'new' | 'update'; mutedUntil: number | null }
  /** Nothing to send them for this version; `reachable` says whether their chat is known. */
  | { kind: 'nothing'; reachable: boolean | undefined; mutedUntil: number | null }
  /** They cannot be told, for good: the admins' card says why. */
  | { kind: 'unreachable'; reason: string; mutedUntil: number | null }
  /** Opening their chat failed for now: the call's jobs are retried. */
  | { kind: 'retry'; failure: string };

/** What {@link OrganizerChats} needs. */
export interface OrganizerChatsOptions {
  store: Store;
  messenger: ProactiveMessenger;
  logger: Logger;
  clock: () => number;
  /** With `installForUser`: install the app for an organizer who does not have it, then open the chat. */
  proactiveInstall?: boolean;
  installForUser?: InstallForUser;
}

/**
 * Finds a person's 1:1 chat with the bot (a call's organizer, or a participant told about their own
 * side): the stored one, or one opened with `createConversation` (after installing the app for them
 * through Graph, when configured), unless they muted their alerts. Stores a chat it opened.
 */
export class OrganizerChats {
  constructor(private readonly options: OrganizerChatsOptions) {}

  /** What can be done for the organizer of `call`. */
  async resolve(call: CallToDeliver): Promise<OrganizerOutcome> {
    const organizer = call.assessment.summary?.organizer;
    const userAadId = organizer?.id ?? null;
    if (!userAadId) return { kind: 'unreachable', reason: 'the call record does not name the organizer', mutedUntil: null };
    return this.resolvePerson(call, { userAadId, tenantId: organizer?.tenantId ?? null }, call.stored.alert);
  }

  /**
   * What can be done for one person about `call`: their chat (found, or opened unless a new card is
   * not called for), the card they already have and whether they muted their alerts. `alert` says
   * whether this version calls for a card of its own for them (an organizer: the call alerts; a
   * participant: their side is concerned); a card they already have is updated either way.
   */
  async resolvePerson(call: CallToDeliver, person: { userAadId: string; tenantId: string | null }, alert: boolean): Promise<OrganizerOutcome> {
    const { store, clock } = this.options;
    const { userAadId } = person;
    const tenantId = person.tenantId ?? call.tenantId;
    // Whether they muted alerts does not depend on their chat: both read at once (each a storage round trip).
    const [known, muted] = await Promise.all([store.conversations.findPersonalConversation(tenantId, userAadId), mutedUntil(store.settings, userAadId, clock())]);
    const existing = known ? sentCardIn(call, known.key) : undefined;
    const plan = cardPlanFor({ version: call.stored.version, alert }, existing);
    if (plan === 'none') return { kind: 'nothing', reachable: known ? true : undefined, mutedUntil: muted };
    if (muted !== null && plan === 'new') return { kind: 'unreachable', reason: mutedNotice(muted), mutedUntil: muted };
    if (known) return { kind: 'card', conversation: known, existing, mode: plan, mutedUntil: muted };
    const opened = await this.openChat(tenantId, userAadId);
    if (opened.kind === 'opened') return { kind: 'card', conversation: opened.conversation, existing: undefined, mode: 'new', mutedUntil: muted };
    return opened.kind === 'retry' ? opened : { ...opened, mutedUntil: muted };
  }

  private async openChat(
    tenantId: string,
    userAadId: string,
  ): Promise<{ kind: 'opened'; conversation: ConversationRecord } | { kind: 'retry'; failure: string } | { kind: 'unreachable'; reason: string }> {
    const { store, messenger, logger, clock } = this.options;
    if (this.options.proactiveInstall && this.options.installForUser) {
      try {
        await this.options.installForUser(tenantId, userAadId);
      } catch (error) {
        logger.warn({ tenantId, userAadId, err: (error as Error).message }, 'could not install the app for the person');
      }
    }
    const source = (await store.conversations.listConversations({ tenantId })).find((record) => record.serviceUrl);
    if (!source) {
      return { kind: 'unreachable', reason: 'the bot knows no Teams conversation in their tenant yet, so it cannot open a chat with them' };
    }
    const bot = (source.reference as { bot?: { id: string; name: string } }).bot ?? { id: 'bot', name: '' };
    try {
      const conversation = await messenger.openPersonalChat({ tenantId, userAadId, serviceUrl: source.serviceUrl, bot, now: clock() });
      await store.conversations.putConversation(conversation);
      return { kind: 'opened', conversation };
    } catch (error) {
      const failure = describeConnectorFailure(error);
      if (isTransientFailure(failure)) return { kind: 'retry', failure: `Opening a 1:1 chat failed: ${(error as Error).message}` };
      logger.info({ tenantId, userAadId, status: failure.status, code: failure.code }, 'person cannot be reached in a 1:1 chat');
      const reason =
        failure.status === 403 || failure.status === 404 ? 'the app is not installed for them' : `Teams refused to open a chat with them (${failure.message})`;
      return { kind: 'unreachable', reason };
    }
  }
}
