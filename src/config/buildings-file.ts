import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BuildingFileError, BuildingMap, decodeBuildingFile, parseBuildingFile } from '../sites';
import { ConfigError } from './startup-error';

/**
 * The building map of `BUILDINGS_FILE` (CQD's building file), read once at start-up; an empty map
 * without it. A file that cannot be read or has a wrong line stops start-up with one line naming
 * the file, the line and the column, so the bot never runs with half a map.
 */
export function readBuildingsFile(file: string | undefined, cwd: string): { path: string | undefined; map: BuildingMap } {
  if (!file) return { path: undefined, map: BuildingMap.empty() };
  const resolved = path.resolve(cwd, file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(resolved);
  } catch (error) {
    throw new ConfigError('BUILDINGS_FILE', `Configuration error: BUILDINGS_FILE ${resolved}: cannot read it: ${(error as Error).message}`);
  }
  try {
    return { path: resolved, map: parseBuildingFile(decodeBuildingFile(bytes)) };
  } catch (error) {
    if (error instanceof BuildingFileError) throw new ConfigError('BUILDINGS_FILE', `Configuration error: BUILDINGS_FILE ${resolved}: ${error.message}`);
    throw error;
  }
}
