import { describeConnectorFailure, isTransientFailure, TeamsSendError } from './teams-send-error';

/** How a Bot Connector call is retried in-process before the alert job is given back to the store. */
export interface SendRetryOptions {
  /** Tries in all, the first included. */
  attempts: number;
  /** The first back-off; it doubles with each try. */
  baseDelayMs: number;
  /** No single wait is longer than this (a longer Retry-After gives up in-process and retries later). */
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1) for jitter. */
  random: () => number;
}

/** Teams' advice: a few tries, exponential back-off with jitter, Retry-After honoured. */
export const DEFAULT_SEND_RETRY: SendRetryOptions = {
  attempts: 4,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * The wait before try number `attempt + 1`: exponential back-off (`base × 2^(attempt-1)`) with
 * jitter over its upper half, never shorter than what the service asked for.
 */
export function backoffDelay(attempt: number, retryAfterMs: number | undefined, options: Pick<SendRetryOptions, 'baseDelayMs' | 'random'>): number {
  const backoff = options.baseDelayMs * 2 ** Math.max(0, attempt - 1);
  const jittered = backoff / 2 + (backoff / 2) * options.random();
  return Math.round(Math.max(retryAfterMs ?? 0, jittered));
}

/**
 * Runs a Bot Connector call, retrying 429, 412, 502, 504 (and network errors) with back-off.
 * Anything else, or the last transient failure, is thrown as a {@link TeamsSendError}.
 */
export async function withSendRetries<T>(what: string, operation: () => Promise<T>, options: SendRetryOptions = DEFAULT_SEND_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const failure = describeConnectorFailure(error);
      const delay = backoffDelay(attempt, failure.retryAfterMs, options);
      if (!isTransientFailure(failure) || attempt >= options.attempts || delay > options.maxDelayMs) {
        const status = failure.status === undefined ? 'a network error' : `HTTP ${failure.status}${failure.code ? ` ${failure.code}` : ''}`;
        throw new TeamsSendError(`${what} failed after ${attempt} ${attempt === 1 ? 'try' : 'tries'} with ${status}: ${failure.message}`, failure, { cause: error });
      }
      await options.sleep(delay);
    }
  }
}
