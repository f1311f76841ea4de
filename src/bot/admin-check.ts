import type { TurnContext } from 'botbuilder';
import { botFramework } from './bot-framework';
import type { Logger } from '../logger';
import { channelDataOf, tenantOf } from './conversation-records';

/**
 * Says whether a user owns a team. The Bot Connector cannot: its member API reports `userRole`
 * as `user`, `guest` or `anonymous`, never ownership. The owners come from Graph
 * (`GET /teams/{aadGroupId}/members`, `roles` containing `owner`; permission
 * `TeamMember.Read.All`, or the resource-specific `TeamMember.Read.Group`).
 */
export type TeamOwnerCheck = (request: { tenantId: string | null; teamAadGroupId: string; userAadId: string }) => Promise<boolean>;

export interface AdminPolicy {
  /** Entra object ids from `ADMIN_USER_IDS`. */
  adminUserIds: readonly string[];
  isTeamOwner?: TeamOwnerCheck;
  logger: Logger;
}

/**
 * True when the sender of the activity may change settings: listed in `ADMIN_USER_IDS`, or (in a
 * team) an owner of the team where the command was given.
 */
export async function isAdmin(context: TurnContext, policy: AdminPolicy): Promise<boolean> {
  const userAadId = context.activity.from?.aadObjectId;
  if (!userAadId) return false;
  const listed = policy.adminUserIds.some((id) => id.toLowerCase() === userAadId.toLowerCase());
  if (listed) return true;
  const team = channelDataOf(context.activity).team;
  if (!team?.id || !policy.isTeamOwner) return false;
  try {
    const teamAadGroupId = team.aadGroupId ?? (await botFramework().TeamsInfo.getTeamDetails(context, team.id)).aadGroupId;
    if (!teamAadGroupId) return false;
    return await policy.isTeamOwner({ tenantId: tenantOf(context.activity), teamAadGroupId, userAadId });
  } catch (error) {
    policy.logger.warn({ teamId: team.id, err: (error as Error).message }, 'could not check team ownership; treating the user as not an admin');
    return false;
  }
}
