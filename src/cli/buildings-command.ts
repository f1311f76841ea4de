import { BuildingFileError, decodeBuildingFile, parseBuildingFile, type BuildingCounts } from '../sites';
import { CliError } from './cli-error';
import { readInputBytes, type CliStreams } from './io';

export const BUILDINGS_USAGE = 'buildings check <file|->';

/**
 * `buildings check <file>`: reads a building file as `BUILDINGS_FILE` would be read at start-up and
 * says what it holds, or the first wrong line, so an admin can fix the file before restarting the bot.
 */
export async function buildingsCommand(args: string[], streams: CliStreams): Promise<number> {
  const [action, file, ...extra] = args;
  if (action !== 'check' || file === undefined || extra.length > 0) throw new CliError(`Usage: ${BUILDINGS_USAGE}`);
  const source = file === '-' ? 'standard input' : file;
  let counts: BuildingCounts;
  try {
    counts = parseBuildingFile(decodeBuildingFile(await readInputBytes(file, streams))).counts();
  } catch (error) {
    if (error instanceof BuildingFileError) throw new CliError(`${source}: ${error.message}`);
    throw error;
  }
  streams.stdout.write(`${source}: ${counts.networks} networks (${counts.ipv4} IPv4, ${counts.ipv6} IPv6) in ${counts.buildings} buildings\n`);
  return 0;
}
