import { executeActions } from '../bot/card-inspection';
import type { ConnectorRequest, LoopbackBotConnector } from './loopback-bot-connector';

/** The alert cards (not help or welcome cards) a request to the connector carried: call id and version. */
export function alertCardsOf(connector: LoopbackBotConnector, request: ConnectorRequest): { callId: string; version: number }[] {
  return connector.cardsIn([request]).flatMap((card) => {
    const data = executeActions(card).find((action) => typeof action.data.callId === 'string' && typeof action.data.version === 'number')?.data;
    return data ? [{ callId: data.callId as string, version: data.version as number }] : [];
  });
}
