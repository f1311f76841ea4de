/** The settings scope of a tenant (`global` when Teams did not say which tenant). */
export function tenantScope(tenantId: string | null | undefined): string {
  return tenantId ? `tenant:${tenantId}` : 'global';
}

/** The settings scope of a user, by Entra object id. */
export function userScope(userAadId: string): string {
  return `user:${userAadId.toLowerCase()}`;
}

/** The settings scope of one call. */
export function callScope(tenantId: string, callId: string): string {
  return `call:${tenantId}:${callId}`;
}

/** The settings scope of one conversation (a channel, a chat), by its record key. */
export function conversationScope(conversationKey: string): string {
  return `conversation:${conversationKey}`;
}

/** The keys of the settings this room owns. */
export const SETTING_KEYS = {
  /** Per user: `{ until }`, epoch ms. */
  mute: 'alerts.mute',
  /** Per tenant: the admins' channel chosen with `alert here`. */
  alertChannel: 'alerts.channel',
  /** Per tenant: the quality profile and threshold overrides set in Teams. */
  quality: 'quality.overrides',
  /** Per call: what the admins' card said about the organizer. */
  organizerNotice: 'alerts.organizer-notice',
  /** Per conversation: the weekly report was turned off there with `report off`. */
  weeklyReportOff: 'report.off',
  /** Per conversation, with the user's id after a colon: which call each number of the last list shown to them meant (`check N`). */
  callListNumbers: 'lists.numbers',
} as const;
