/**
 * The Teams app manifest JSON schemas shipped inside `@microsoft/app-manifest`, and validation
 * against them with that package's own validator. Nothing is fetched from the network: a manifest
 * whose schema is not in the package is refused.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AppManifestUtils } from '@microsoft/app-manifest';

/** Thrown when a manifest's schema is unknown; the message lists the versions that are known. */
export class ManifestSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestSchemaError';
  }
}

function teamsSchemaDirectory(): string {
  const packageRoot = path.dirname(require.resolve('@microsoft/app-manifest/package.json'));
  return path.join(packageRoot, 'build', 'json-schemas', 'teams');
}

/** The released manifest versions the installed `@microsoft/app-manifest` has schemas for, oldest first. */
export function knownManifestVersions(): string[] {
  return readdirSync(teamsSchemaDirectory())
    .filter((name) => /^v\d+\.\d+$/.test(name) && existsSync(path.join(teamsSchemaDirectory(), name, 'MicrosoftTeams.schema.json')))
    .map((name) => name.slice(1))
    .sort((a, b) => {
      const [aMajor, aMinor] = a.split('.').map(Number) as [number, number];
      const [bMajor, bMinor] = b.split('.').map(Number) as [number, number];
      return aMajor - bMajor || aMinor - bMinor;
    });
}

/** The newest released manifest version the installed `@microsoft/app-manifest` knows. */
export function newestManifestVersion(): string {
  const versions = knownManifestVersions();
  const newest = versions[versions.length - 1];
  if (!newest) throw new ManifestSchemaError(`@microsoft/app-manifest ships no Teams manifest schema under ${teamsSchemaDirectory()}.`);
  return newest;
}

/** The local schema for a manifest, chosen by its `manifestVersion` (and checked against its `$schema`). */
export function loadManifestSchema(manifest: { manifestVersion?: unknown; $schema?: unknown }): Record<string, unknown> {
  const version = typeof manifest.manifestVersion === 'string' ? manifest.manifestVersion : undefined;
  if (!version) throw new ManifestSchemaError('The manifest has no "manifestVersion".');
  if (typeof manifest.$schema === 'string' && !manifest.$schema.includes(`/teams/v${version}/`)) {
    throw new ManifestSchemaError(`The manifest's "$schema" (${manifest.$schema}) is not the schema of manifestVersion ${version}.`);
  }
  const file = path.join(teamsSchemaDirectory(), `v${version}`, 'MicrosoftTeams.schema.json');
  if (!existsSync(file)) {
    throw new ManifestSchemaError(`@microsoft/app-manifest has no schema for manifest version ${version}; it knows ${knownManifestVersions().join(', ')}.`);
  }
  // The published schemas contain "\a" and "\v" escapes, which JSON does not allow (the package cleans them the same way).
  return JSON.parse(readFileSync(file, 'utf8').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b')) as Record<string, unknown>;
}

/** Validates a manifest against its local schema; returns the schema errors, empty when valid. */
export async function validateManifest(manifest: Record<string, unknown>): Promise<string[]> {
  const schema = loadManifestSchema(manifest);
  type Validate = typeof AppManifestUtils.validateAgainstSchema;
  return AppManifestUtils.validateAgainstSchema(manifest as Parameters<Validate>[0], schema as Parameters<Validate>[1]);
}
