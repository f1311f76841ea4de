import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { forgetPersonInSummary } from '../insights';
import { openConfiguredStore } from '../open-store';
import { CliError } from './cli-error';
import type { CliStreams } from './io';

export const FORGET_USAGE = 'forget --user <Entra object id|UPN>';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `forget`: erases one person from the call history of every tenant (a data subject's request).
 * Each call that names them is rewritten without their id, UPN, name and address; their streams
 * and ratings stay, anonymous, so everyone else's figures and the rates do not change. Prints how
 * many calls were rewritten.
 */
export async function forgetCommand(args: string[], streams: CliStreams): Promise<number> {
  const { values } = parseArgs({ args, options: { user: { type: 'string' } }, strict: true });
  const person = values.user?.trim();
  if (!person) throw new CliError(`Usage: ${FORGET_USAGE}`);
  // A display name could match namesakes: only the two identifiers that name one person are taken.
  if (!GUID.test(person) && !/^[^@\s]+@[^@\s]+$/.test(person)) {
    throw new CliError(`--user "${person}" is not an Entra object id (a GUID) or a UPN (name@domain).`);
  }
  const store = await openConfiguredStore(loadConfig());
  try {
    const rewritten = await store.history.forgetPerson(person, (record) => forgetPersonInSummary(record.summary, person));
    streams.stdout.write(`Rewrote ${rewritten} call${rewritten === 1 ? '' : 's'} without ${person}.\n`);
    return 0;
  } finally {
    await store.close();
  }
}
