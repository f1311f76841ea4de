import { GraphRequestError } from './graph-request-error';
import type { GraphTransport } from './graph-transport';

/** Teams operations the bot needs from Graph. */
export interface GraphTeams {
  /**
   * Installs a Teams app for a user (`POST /users/{id}/teamwork/installedApps`, needs
   * `TeamsAppInstallation.ReadWriteSelfForUser.All`). Resolves when it is installed, also when it
   * already was (409).
   */
  installAppForUser(tenantId: string, userId: string, teamsAppId: string): Promise<void>;
  /** Whether a user is an owner of a team (`GET /teams/{id}/members`, needs `TeamMember.Read.All`). */
  isTeamOwner(tenantId: string, teamId: string, userId: string): Promise<boolean>;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,127}$/;

function checkId(value: string, what: string): string {
  if (typeof value !== 'string' || !ID.test(value)) throw new TypeError(`"${String(value)}" is not a ${what}: give its GUID.`);
  return value;
}

/** The Teams operations over a transport. */
export function createGraphTeams(transport: GraphTransport): GraphTeams {
  return {
    async installAppForUser(tenantId, userId, teamsAppId) {
      const url = transport.url(`/users/${checkId(userId, 'user id')}/teamwork/installedApps`);
      const body = { 'teamsApp@odata.bind': transport.url(`/appCatalogs/teamsApps/${checkId(teamsAppId, 'Teams app id')}`) };
      try {
        await transport.send({ tenantId, method: 'POST', url, operation: 'POST /users/{id}/teamwork/installedApps', body });
      } catch (error) {
        if (error instanceof GraphRequestError && error.status === 409) return;
        throw error;
      }
    },
    async isTeamOwner(tenantId, teamId, userId) {
      const filter = encodeURIComponent(`(microsoft.graph.aadUserConversationMember/userId eq '${checkId(userId, 'user id')}')`);
      const url = transport.url(`/teams/${checkId(teamId, 'team id')}/members?$filter=${filter}`);
      const answer = (await transport.send({ tenantId, method: 'GET', url, operation: 'GET /teams/{id}/members' })) as { value?: Array<{ roles?: unknown }> } | undefined;
      return (answer?.value ?? []).some((member) => Array.isArray(member.roles) && member.roles.includes('owner'));
    },
  };
}
