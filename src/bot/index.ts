/**
 * The Teams bot: everything that speaks Bot Framework or Teams AI. The Teams AI application behind
 * `POST /api/messages` and its routes (chat commands, card actions, installation tracking), the
 * adapter, and proactive sending: the alert delivery (1:1 to organizers, new threads in the admins'
 * channel, updates, digests) within Teams' rate limits and error codes. Only the wiring
 * (`src/app.ts`) imports this folder; the policy it applies comes from `src/alerts` and
 * `src/settings`.
 */
export { createBot, type Bot, type CreateBotOptions } from './create-bot';
export { AlertDelivery, type AlertDeliveryOptions } from './delivery/alert-delivery';
export type { DeliveryRound } from './delivery/delivery-round';
export type { InstallForUser } from './delivery/organizer-chat';
export type { FetchAndScore } from './bot-services';
export type { TeamOwnerCheck } from './admin-check';
export type { BotFrameworkEndpoints } from './teams-adapter';
export { DocumentStorage } from './document-storage';
export { ConversationSendBudget, TEAMS_CONVERSATION_LIMITS, type SendWindow } from './send-budget';
export { MESSAGES_PATH } from './routes/messages';
export { weeklyReportRunKey, type ReportRound, type WeeklyReportCard } from './weekly-report-poster';
