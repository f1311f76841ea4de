/**
 * The Teams bot: the Teams AI application behind `POST /api/messages`, its chat commands, card
 * actions and installation tracking, and the delivery of alert cards (1:1 to organizers, new
 * threads in the admins' channel, updates, digests within Teams' rate limits). The Bot Framework
 * and Teams AI packages are used only inside this folder.
 */
export { createBot, type Bot, type CreateBotOptions } from './create-bot';
export { AlertDelivery, type AlertDeliveryOptions, type DeliveryRound, type InstallForUser } from './alert-delivery';
export { currentScoringOptions, qualityOverridesOf, type QualityOverrides } from './scoring-settings';
export { scoreCall, type FetchAndScore, type ScoredCall } from './scored-call';
export type { StatusProvider } from './bot-status';
export type { TeamOwnerCheck } from './admin-check';
export type { BotFrameworkEndpoints } from './teams-adapter';
export { CHAT_COMMANDS, parseCommand, type ChatCommand } from './chat-command';
export { DocumentStorage } from './document-storage';
export { ConversationSendBudget, TEAMS_CONVERSATION_LIMITS, type SendWindow } from './send-budget';
export { MESSAGES_PATH } from './messages-route';
