import { sanitizeServiceCode, sanitizeUpstreamText } from '../upstream-text';

/**
 * What the Bot Connector said when a send failed, read from whatever error botframework-connector
 * threw (an Azure `RestError` with the HTTP response, or a plain network error).
 */
export interface ConnectorFailure {
  /** The HTTP status, undefined for network errors. */
  status: number | undefined;
  /** The service's error code (`MessageWritesBlocked`, `ConversationNotFound`, …), when it sent one. */
  code: string | undefined;
  /** The wait the service asked for (`Retry-After`), in milliseconds. */
  retryAfterMs: number | undefined;
  message: string;
}

/** Statuses Teams documents as worth retrying with back-off. */
export const TRANSIENT_STATUSES: readonly number[] = [412, 429, 502, 504];

/**
 * 403 and 404 codes that mean the conversation is gone for the bot (the app was removed or
 * blocked, or the chat was deleted), each with the words the admins' card uses. Sending there
 * again cannot work until the app is reinstalled.
 */
export const GONE_CODE_WORDS: Readonly<Record<string, string>> = {
  MessageWritesBlocked: 'the app was removed or blocked there',
  ConversationBlockedByUser: 'the user blocked the app',
  BotNotInConversationRoster: 'the app is no longer in that conversation',
  BotDisabledByAdmin: 'an admin disabled the app',
  ConversationNotFound: 'the conversation was deleted',
};

/** The codes of {@link GONE_CODE_WORDS}. */
export const GONE_CODES: readonly string[] = Object.keys(GONE_CODE_WORDS);

/** Thrown by the bot's senders; carries the status and code of the Bot Connector's answer. */
export class TeamsSendError extends Error {
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, failure: ConnectorFailure, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TeamsSendError';
    this.status = failure.status;
    this.code = failure.code;
    this.retryAfterMs = failure.retryAfterMs;
  }
}

/** Reads status, service code and Retry-After out of an error thrown by botframework-connector. */
export function describeConnectorFailure(error: unknown): ConnectorFailure {
  if (error instanceof TeamsSendError) {
    return { status: error.status, code: error.code, retryAfterMs: error.retryAfterMs, message: error.message };
  }
  const value = (error ?? {}) as Record<string, unknown>;
  const response = (value.response ?? {}) as Record<string, unknown>;
  const status = numberOf(value.statusCode) ?? numberOf(value.status) ?? numberOf(response.status);
  const body = parseBody(response.bodyAsText ?? response.parsedBody ?? value.body);
  const code = stringOf(body?.code) ?? stringOf(value.code && !/^E[A-Z]+$/.test(String(value.code)) ? value.code : undefined);
  const retryAfterMs = retryAfterOf(response.headers);
  // The connector's words reach logs and the store: bounded and sanitised like Graph's.
  const detail = sanitizeUpstreamText(stringOf(body?.message) ?? stringOf(value.message) ?? String(error));
  return { status, code: code === undefined ? undefined : sanitizeServiceCode(code), retryAfterMs, message: detail };
}

/** True when the failure means the conversation is gone for good (mark it dead, stop sending). */
export function isConversationGone(failure: ConnectorFailure): boolean {
  return (failure.status === 403 || failure.status === 404) && failure.code !== undefined && GONE_CODES.includes(failure.code);
}

/** Why a conversation is gone, in words for the admins' card. */
export function goneReasonOf(failure: ConnectorFailure): string {
  return (failure.code && GONE_CODE_WORDS[failure.code]) ?? `Teams answered ${failure.status} ${failure.code}`;
}

/** True when the failure is worth retrying soon: throttling, precondition races, gateway errors, network errors. */
export function isTransientFailure(failure: ConnectorFailure): boolean {
  return failure.status === undefined || TRANSIENT_STATUSES.includes(failure.status) || failure.status === 500 || failure.status === 503;
}

function parseBody(body: unknown): Record<string, unknown> | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  const inner = record.error;
  return inner !== null && typeof inner === 'object' ? (inner as Record<string, unknown>) : record;
}

function retryAfterOf(headers: unknown): number | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const read = (name: string): string | undefined => {
    const getter = (headers as { get?: unknown }).get;
    if (typeof getter === 'function') {
      const value = (getter as (key: string) => unknown).call(headers, name);
      if (typeof value === 'string') return value;
    }
    const raw = (headers as Record<string, unknown>)[name] ?? (headers as Record<string, unknown>)[name.toLowerCase()];
    return typeof raw === 'string' ? raw : undefined;
  };
  const ms = read('retry-after-ms') ?? read('x-ms-retry-after-ms');
  if (ms !== undefined && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const after = read('retry-after');
  if (after === undefined) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(after)) return Math.max(0, Number(after) * 1000);
  const date = Date.parse(after);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
