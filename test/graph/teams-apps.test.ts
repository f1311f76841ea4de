import assert from 'node:assert/strict';
import { isGraphRequestError } from '../../src/graph';
import { TENANT_A, rejectionOf, startGraphTestEnvironment, type GraphTestEnvironment } from './graph-test-environment';

const TEAM = '44444444-4444-4444-8444-444444444444';
const OWNER = '55555555-5555-4555-8555-555555555555';
const MEMBER = '66666666-6666-4666-8666-666666666666';
const APP = '77777777-7777-4777-8777-777777777777';

describe('Graph client: Teams app installation and team ownership', () => {
  let env: GraphTestEnvironment;
  before(async () => {
    env = await startGraphTestEnvironment();
    env.graph.setTeamMembers(TEAM, [
      { userId: OWNER, roles: ['owner'] },
      { userId: MEMBER, roles: [] },
    ]);
  });
  after(() => env.close());

  it('tells owners from members of a team', async () => {
    const teams = env.client().teams;
    assert.equal(await teams.isTeamOwner(TENANT_A, TEAM, OWNER), true);
    assert.equal(await teams.isTeamOwner(TENANT_A, TEAM, MEMBER), false);
    assert.equal(await teams.isTeamOwner(TENANT_A, TEAM, '88888888-8888-4888-8888-888888888888'), false, 'not a member at all');
  });

  it('surfaces an unknown team as a 404 error', async () => {
    const error = await rejectionOf(env.client().teams.isTeamOwner(TENANT_A, '99999999-9999-4999-8999-999999999999', OWNER));
    assert.ok(isGraphRequestError(error) && error.status === 404);
  });

  it('installs the app for a user, and treats "already installed" (409) as done', async () => {
    const teams = env.client().teams;
    await teams.installAppForUser(TENANT_A, MEMBER, APP);
    await teams.installAppForUser(TENANT_A, MEMBER, APP);
    assert.deepEqual(env.graph.installedApps(MEMBER), [APP]);
    const installs = env.graph.requests.filter((request) => request.operation === 'installAppForUser').map((request) => request.status);
    assert.deepEqual(installs, [201, 409]);
  });

  it('refuses ids that could change the request path', async () => {
    await assert.rejects(env.client().teams.installAppForUser(TENANT_A, '../me', APP), /not a user id/);
    await assert.rejects(env.client().teams.isTeamOwner(TENANT_A, TEAM, "x' or 1 eq 1"), /not a user id/);
  });
});
