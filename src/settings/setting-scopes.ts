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
} as const;
