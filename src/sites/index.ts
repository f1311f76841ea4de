/**
 * Sites: CQD's building file, and where each endpoint of a call was. Imports nothing of ours, so
 * the configuration, the CLI and the insights can all read the same file the same way.
 */
export { parseBuildingFile, decodeBuildingFile, BUILDING_FILE_COLUMNS } from './building-file';
export { BuildingFileError } from './building-file-error';
export { BuildingMap, type BuildingCounts, type BuildingNetwork, type EndpointNetwork } from './building-map';
