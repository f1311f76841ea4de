/**
 * What the alerts say: call summaries and hints from Graph call records, and every Adaptive Card
 * the bot sends (alert, digest, recent, help, status, thresholds), with their validation.
 * Pure: no I/O, no clock (times are passed in), no globals.
 */
export type { Audience } from './audience';
export { summarizeCall, readCallSummary, type CallSummary, type CallOrganizer, type CallParty, type StreamParties } from './call-summary';
export { collectCallHints, HINT_THRESHOLDS, HINT_KIND_ORDER, type CallHint, type CallHintKind } from './call-hints';
export { nameOf, SERVICE_ENDPOINT_NAME } from './endpoint-name';
export {
  CARD_SCHEMA_VERSION,
  CARD_SCHEMA_URL,
  CARD_SIZE_LIMIT_BYTES,
  ADAPTIVE_CARD_CONTENT_TYPE,
  cardSizeBytes,
  type AdaptiveCardDocument,
} from './card-document';
export {
  CARD_ACTIONS,
  MUTE_HOURS,
  readAlertActionData,
  InvalidCardActionError,
  type AlertActionData,
  type AlertCardVerb,
} from './card-actions';
export { buildAlertCard, buildAlertCardWithin, REFRESH_USER_LIMIT, type AlertCardInput } from './alert-card';
export { ALERT_CARD_LIMIT_STEPS, DETAILS_CONTAINER_ID, type AlertCardLimits } from './alert-card-data';
export { buildDigestCard, buildRecentCallsCard, digestItemOf, CALL_LIST_ROW_LIMIT, type DigestItem } from './digest-card';
export { buildHelpCard, type CommandDescription } from './help-card';
export { buildStatusCard, SUBSCRIPTION_WARNING_MS, QUIET_WARNING_MS, type BotStatus } from './status-card';
export { buildThresholdsCard } from './thresholds-card';
export { validateCard, type CardValidation } from './validate-card';
export { loadAdaptiveCardsSdk, adaptiveCardsBundlePath, type AdaptiveCardsSdk } from './adaptive-cards-sdk';
export { groupHints, HINT_GROUP_MIN } from './hint-groups';
