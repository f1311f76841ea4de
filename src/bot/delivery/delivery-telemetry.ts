import type { Store } from '../../store';
import type { AlertOutcome, EndableTelemetrySpan, Telemetry } from '../../telemetry';
import type { PlannedCard } from './planned-card';
import type { CardOutcome } from './delivery-round';

/** The counter each outcome of a send counts in (deferred and gone cards are not sends that happened). */
const OUTCOME_COUNTERS: Partial<Record<CardOutcome['kind'], AlertOutcome>> = { sent: 'posted', updated: 'updated', folded: 'digested', failed: 'failed' };

/**
 * What the delivery tells telemetry about each send: an `alert deliver` span in the trace of every
 * call the send carries (one for a card, several for a digest), the `callquality.alerts.*` counter
 * of its outcome, and for a card that went out the time since the call's newest notification (the
 * inbox item's `enqueuedAt`, read only when telemetry is on).
 */
export class DeliveryTelemetry {
  constructor(
    private readonly telemetry: Telemetry,
    private readonly store: Store,
    private readonly clock: () => number,
  ) {}

  /** Starts the spans of one send; `end` closes them with its outcome. */
  start(cards: readonly PlannedCard[]): { end(outcome: CardOutcome): Promise<void> } {
    const spans: EndableTelemetrySpan[] = cards.map((card) =>
      this.telemetry.startCallSpan('alert deliver', card.call.tenantId, card.call.callId, {
        kind: 'producer',
        attributes: { 'callquality.alert.audience': card.audience, 'callquality.alert.mode': card.mode, 'callquality.version': card.call.stored.version },
      }),
    );
    return { end: (outcome) => this.end(cards, spans, outcome) };
  }

  private async end(cards: readonly PlannedCard[], spans: readonly EndableTelemetrySpan[], outcome: CardOutcome): Promise<void> {
    const counter = OUTCOME_COUNTERS[outcome.kind];
    const delivered = outcome.kind === 'sent' || outcome.kind === 'updated' || outcome.kind === 'folded';
    for (const [index, card] of cards.entries()) {
      const span = spans[index]!;
      span.setAttributes({ 'callquality.alert.outcome': outcome.kind });
      if (outcome.kind === 'failed') span.fail(outcome.error);
      if (outcome.kind === 'gone') span.fail(outcome.reason);
      span.end();
      if (counter) this.telemetry.countAlert(counter, { 'callquality.alert.audience': card.audience });
      if (delivered && this.telemetry.enabled) await this.recordLatency(card);
    }
  }

  private async recordLatency(card: PlannedCard): Promise<void> {
    const item = await this.store.inbox.get(card.call.tenantId, card.call.callId).catch(() => undefined);
    if (item) this.telemetry.recordCardLatency(Math.max(0, this.clock() - item.enqueuedAt), { 'callquality.alert.audience': card.audience });
  }
}
