import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { azureConnectionOf } from '../open-store';
import { CliError } from './cli-error';
import type { CliStreams } from './io';

export const POISON_USAGE = 'poison [--replay]';

/**
 * `poison`: the messages the Azure store's claims set aside (why, from which queue, whether this
 * build can take them back); `--replay` sends those it can back to their queues. After an upgrade
 * from a build before group messages, the older instances' set-aside group messages go back this
 * way at once instead of waiting for the reconciliation sweep (docs/deploy.md).
 */
export async function poisonCommand(args: string[], streams: CliStreams): Promise<number> {
  const { values } = parseArgs({ args, options: { replay: { type: 'boolean', default: false } }, strict: true });
  const config = loadConfig();
  if (config.store !== 'azure') {
    throw new CliError('The embedded store (STORE=sqlite) has no poison queue: its items that failed for good are dead items, listed by `inbox`. Run with STORE=azure and the storage settings of the deployment to read its poison queue.');
  }
  const { openAzurePoisonQueue } = await import('../store/azure/index.js');
  const poison = openAzurePoisonQueue(await azureConnectionOf(config), { prefix: config.azureStorage.prefix });
  const result = values.replay ? await poison.replay() : await poison.list();
  streams.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
}
