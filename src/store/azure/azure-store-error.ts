import { ETagMismatchError } from '../types';

/** What {@link AzureStoreError} carries besides its message. */
export interface AzureStoreErrorDetails {
  /** The store operation, e.g. `inbox.claim` or `open` (never a key, token or connection string). */
  operation: string;
  /** The HTTP status Azure Storage answered, when it answered. */
  status?: number;
  /** Azure Storage's error code, e.g. `AuthorizationPermissionMismatch`, `TableNotFound`. */
  code?: string;
  cause?: unknown;
}

/**
 * A failed Azure Storage operation of the Azure store engine, with the service's HTTP status and
 * error code. Lost races are not errors (they show as `false` or `accepted: false`); this is for
 * refusals (authorization, missing resources), unreachable endpoints and persistent contention.
 */
export class AzureStoreError extends Error {
  readonly operation: string;
  readonly status: number | undefined;
  readonly code: string | undefined;

  constructor(message: string, details: AzureStoreErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'AzureStoreError';
    this.operation = details.operation;
    this.status = details.status;
    this.code = details.code;
  }
}

/** The HTTP status of an Azure SDK error (a `RestError`), if it has one. */
export function storageStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Whether an Azure SDK error has one of the given HTTP statuses. */
export function hasStatus(error: unknown, ...statuses: number[]): boolean {
  const status = storageStatus(error);
  return status !== undefined && statuses.includes(status);
}

/** Turns any failure into an {@link AzureStoreError} whose message says what to check. */
export function toAzureStoreError(operation: string, error: unknown): AzureStoreError {
  if (error instanceof AzureStoreError) return error;
  const status = storageStatus(error);
  const rawCode = (error as { code?: unknown } | null)?.code;
  const code = typeof rawCode === 'string' ? rawCode : undefined;
  const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
  let hint = '';
  if (status === 401 || status === 403) {
    hint =
      ' Check the storage credentials: with a managed identity, grant it the Storage Blob Data Contributor, Storage Queue Data Contributor and Storage Table Data Contributor roles on the account.';
  } else if (status === undefined) {
    hint = ' Check that AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL points at a reachable storage account.';
  } else if (status === 404 && code !== undefined && /(Table|Queue|Container)NotFound/.test(code)) {
    hint = ' A table, queue or container is missing: it is created when the store opens, so something deleted it; restart to create it again.';
  }
  return new AzureStoreError(
    `Azure Storage failed during ${operation}${status === undefined ? '' : ` (HTTP ${status}${code ? ` ${code}` : ''})`}: ${detail}.${hint}`,
    { operation, status, code, cause: error },
  );
}

/**
 * Wraps every method of one part of the store so a failure surfaces as an {@link AzureStoreError}
 * naming the operation; {@link ETagMismatchError} (part of the contract) and `RangeError` (a bad
 * argument, already explained) pass through. The methods named in `streams` return an
 * `AsyncIterable` (read page by page): a failure while iterating is wrapped the same way.
 */
export function withStorageErrors<T extends object>(
  area: string,
  methods: T,
  assertOpen: () => void = () => undefined,
  streams: readonly (keyof T & string)[] = [],
): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(methods)) {
    if (typeof value !== 'function') {
      wrapped[name] = value;
      continue;
    }
    if ((streams as readonly string[]).includes(name)) {
      const stream = value as (...args: unknown[]) => AsyncIterable<unknown>;
      wrapped[name] = (...args: unknown[]) => storageErrorsWhileIterating(`${area}.${name}`, () => stream.apply(methods, args), assertOpen);
      continue;
    }
    const method = value as (...args: unknown[]) => Promise<unknown>;
    wrapped[name] = async (...args: unknown[]) => {
      assertOpen();
      try {
        return await method.apply(methods, args);
      } catch (error) {
        throw storageFailure(`${area}.${name}`, error);
      }
    };
  }
  return wrapped as T;
}

/** Lost writes and our own argument checks are already clear; only storage failures get wrapped. */
function storageFailure(operation: string, error: unknown): unknown {
  return error instanceof ETagMismatchError || error instanceof RangeError ? error : toAzureStoreError(operation, error);
}

function storageErrorsWhileIterating<R>(operation: string, open: () => AsyncIterable<R>, assertOpen: () => void): AsyncIterable<R> {
  return {
    async *[Symbol.asyncIterator]() {
      assertOpen();
      try {
        yield* open();
      } catch (error) {
        throw storageFailure(operation, error);
      }
    },
  };
}

/** Thrown when a row kept changing under every conditional write attempt. */
export function contention(operation: string, attempts: number): AzureStoreError {
  return new AzureStoreError(
    `Azure Storage kept changing the same row during ${operation} (${attempts} conditional writes lost in a row); try again.`,
    { operation, status: 412, code: 'UpdateConditionNotSatisfied' },
  );
}
