/**
 * What the alerts say and who gets them: call summaries and hints from Graph call records, the
 * routing policy (which conversation gets a new card, an update or a digest line), the ranking of
 * calls, every Adaptive Card the bot sends (alert, digest, recent, help, status, thresholds, and the
 * insight cards with Teams' charts: trends, top, a person's calls, the weekly report) with their
 * validation, and the chat command grammar. Pure: no I/O, no clock (times are passed in), no
 * globals; imports only `quality` and `insights`.
 */
export type { Audience } from './audience';
export { CallSummaryBuilder, summarizeCall } from './call-summary-builder';
export { readCallSummary, type CallSummary, type CallSummaryOptions, type CallOrganizer, type CallParty, type StreamParties } from './call-summary';
export { CallHintCollector, HINT_THRESHOLDS, HINT_KIND_ORDER, type CallHint, type CallHintKind } from './call-hints';
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
} from './card-action-data';
export { buildAlertCard, buildAlertCardWithin, REFRESH_USER_LIMIT } from './alert-card';
export type { AlertCardInput } from './alert-card-input';
export { alertCardFor, type AudienceCardInput } from './audience-card';
export { decodeAcknowledgement, encodeAcknowledgement, type Acknowledgement, type OrganizerNotice } from './acknowledgement';
export { assessCall, assessmentOf, type CallAssessment } from './call-assessment';
export { alertDue, failuresOf, type FailureAlertPolicy } from './alert-decision';
export { failureClause, failureMarker, failureSentence, failureTitle, stageWords } from './failure-words';
export { mismatchLine, mismatchMarker, mismatchOf, type CallMismatch } from './call-mismatch';
export { worstFirst, worstReasonOf, type RankedCall } from './call-ranking';
export {
  adminsGetCard,
  alertSummaryLine,
  audienceOfConversation,
  cardPlanFor,
  digestSummaryLine,
  mutedNotice,
  splitForBudget,
  type BudgetSplit,
  type CardPlan,
  type CardSentBefore,
  type ChannelPolicy,
  PARTICIPANT_CARD_TYPE,
  participantConcerned,
  participantsToTell,
  type ParticipantAlerts,
} from './delivery-plan';
export { poorSidesOf, participantSideOf, type ParticipantSide, type SidePoorStream } from './participant-side';
export { checkViewFor, type CheckView } from './check-view';
export { buildParticipantCard, participantDigestItem, participantSummaryLine, type ParticipantCardInput } from './participant-card';
export { HINT_FIXES, oneFixFor } from './hint-fixes';
export { PersonList, UNKNOWN_PERSON, type CallPerson } from './call-people';
export { CHAT_COMMANDS, parseCommand, TOP_LISTS, type ChatCommand, type InsightPeriod, type TopList, type TopPeriod } from './chat-command';
export { ALERT_CARD_LIMIT_STEPS, DETAILS_CONTAINER_ID, TEAMS_ADMIN_CENTER_URL, type AlertCardLimits } from './alert-card-data';
export { buildDigestCard, buildRecentCallsCard, digestItemOf, digestItemOfStored, CALL_LIST_ROW_LIMIT, RECENT_ROWS_SHOWN, type DigestItem } from './digest-card';
export { buildHelpCard, type CommandDescription } from './help-card';
export { buildStatusCard, SUBSCRIPTION_WARNING_MS, QUIET_WARNING_MS, type BotStatus } from './status-card';
export { buildThresholdsCard } from './thresholds-card';
export { validateCard, type CardValidation } from './validate-card';
export { CHART_ELEMENTS, CHART_COLORS, chartErrors, withChartFallbacks } from './chart-elements';
export { buildTrendsCard } from './trends-card';
export { buildTopCard } from './top-card';
export { buildPersonCallsCard, PERSON_CALLS_ROWS } from './person-calls-card';
export { buildLastCallCard } from './last-call-card';
export { buildWeeklyReportCard } from './weekly-report-card';
export { loadAdaptiveCardsSdk, adaptiveCardsBundlePath, type AdaptiveCardsSdk } from './adaptive-cards-sdk';
export { groupHints, HINT_GROUP_MIN } from './hint-groups';
