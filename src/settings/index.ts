/**
 * What admins and users change while the bot runs, kept in the store: the quality profile and
 * threshold overrides per tenant, a user's mute, the admins' channel, and what an admins' card said
 * about the organizer. Ingest (scoring every record), the CLI (`fetch`) and the bot (commands, card
 * actions, delivery) all read these through this room, so they judge a call the same way.
 */
export { tenantScope, userScope, callScope, conversationScope, SETTING_KEYS } from './setting-scopes';
export {
  currentScoringOptions,
  combineSettings,
  qualityOverridesOf,
  SCORING_SETTINGS_MAX_AGE_MS,
  setProfileOverride,
  setThresholdOverride,
  type QualityOverrides,
} from './scoring-overrides';
export { mutedUntil, muteUser, unmuteUser, type MuteSetting } from './user-mute';
export { adminsChannelOf, alertChannelOf, setAlertChannel, type AlertChannelSetting } from './alert-channel';
export { setWeeklyReport, weeklyReportOffIn, type WeeklyReportOffSetting } from './weekly-report-setting';
export { organizerNoticeOf, saveOrganizerNotice } from './organizer-notice';
export { clearSending, markSending, type SendingMarker } from './sending-marker';
export { CALL_LIST_LIFETIME_MS, numberedCall, rememberCallList, type CallListNumbers, type NumberedCall } from './call-list-numbers';
