import type { AzureStoreOptions } from '../../../src/store/azure';

type Policy = NonNullable<AzureStoreOptions['tablePolicies']>[number]['policy'];

/**
 * Counts the table requests an Azure store sends: give `tablePolicies` to `openAzureStore`, then
 * `counted(work)` resolves to the requests `work` sent, as `METHOD path`.
 */
export function tableRequestCounter(): { tablePolicies: NonNullable<AzureStoreOptions['tablePolicies']>; counted(work: () => Promise<unknown>): Promise<string[]> } {
  let requests: string[] = [];
  const policy: Policy = {
    name: 'count-table-requests',
    sendRequest: async (request, next) => {
      requests.push(`${request.method} ${decodeURIComponent(new URL(request.url).pathname)}`);
      return next(request);
    },
  };
  return {
    tablePolicies: [{ policy, position: 'perRetry' }],
    async counted(work) {
      requests = [];
      await work();
      return requests;
    },
  };
}
