import type { Logger } from '../logger';
import type { Store, SubscriptionState } from '../store';
import { describeFailure } from './call-record-source';

/** Graph's limit for call-record subscriptions is 4,230 minutes; stay just under it. */
export const SUBSCRIPTION_LIFETIME_MS = 4_200 * 60_000;
/** Renew when less than this is left: well before expiry, with room for retries. */
export const RENEW_BEFORE_MS = 36 * 60 * 60_000;
/** The resource every subscription watches. */
export const CALL_RECORDS_RESOURCE = '/communications/callRecords';

/** What the keeper needs from Graph's subscription API. */
export interface SubscriptionApi {
  create(tenantId: string, request: { notificationUrl: string; lifecycleNotificationUrl: string; clientState: string; expirationDateTime: Date }): Promise<{ id: string; expirationDateTime: string; resource?: string | null }>;
  renew(tenantId: string, subscriptionId: string, expirationDateTime: Date): Promise<{ id: string; expirationDateTime: string }>;
  reauthorize(tenantId: string, subscriptionId: string): Promise<void>;
}

export interface SubscriptionKeeperOptions {
  store: Store;
  api: SubscriptionApi;
  logger: Logger;
  tenantIds: readonly string[];
  notificationUrl: string;
  lifecycleUrl: string;
  clientState: string;
  clock?: () => number;
}

/** An `ensure` in flight for a tenant, and whether it renews whatever the expiry. */
interface EnsureRun {
  force: boolean;
  promise: Promise<SubscriptionState>;
}

/**
 * Keeps one call-record subscription per tenant alive: creates it, renews it well before it
 * expires, re-creates it when Graph forgot it (404), and answers lifecycle events.
 *
 * Requests are coalesced, since Graph may send the same lifecycle event many times in one POST
 * (and several POSTs at once): at most one reauthorize per subscription, and one create-or-renew
 * per tenant, is in flight; a request arriving meanwhile joins it, as the answer it waits for is
 * the same. A forced renewal arriving while an unforced check runs is run once after it.
 */
export class SubscriptionKeeper {
  private readonly clock: () => number;
  private readonly reauthorizing = new Map<string, Promise<void>>();
  private readonly ensuring = new Map<string, EnsureRun>();
  private readonly recreating = new Map<string, Promise<void>>();

  constructor(private readonly options: SubscriptionKeeperOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** Creates or renews every tenant's subscription as needed; failures are logged per tenant. */
  async ensureAll(force = false): Promise<SubscriptionState[]> {
    const states: SubscriptionState[] = [];
    for (const tenantId of this.options.tenantIds) {
      try {
        states.push(await this.ensure(tenantId, force));
      } catch (error) {
        this.options.logger.error({ tenantId, err: describeFailure(error).message }, 'could not create or renew the Graph subscription');
      }
    }
    return states;
  }

  /**
   * Creates the tenant's subscription, or renews it when it is close to expiry (or `force`).
   * Joins the tenant's run in flight when that one does at least as much.
   */
  ensure(tenantId: string, force = false): Promise<SubscriptionState> {
    const running = this.ensuring.get(tenantId);
    if (running && (running.force || !force)) return running.promise;
    const previous = running?.promise.then(
      () => undefined,
      () => undefined,
    );
    const run: EnsureRun = {
      force,
      promise: (async () => {
        await previous;
        return this.ensureNow(tenantId, force);
      })().finally(() => {
        if (this.ensuring.get(tenantId) === run) this.ensuring.delete(tenantId);
      }),
    };
    this.ensuring.set(tenantId, run);
    return run.promise;
  }

  private async ensureNow(tenantId: string, force: boolean): Promise<SubscriptionState> {
    const current = await this.options.store.subscriptions.getSubscription(tenantId);
    const now = this.clock();
    if (current && current.notificationUrl === this.options.notificationUrl) {
      if (!force && current.expiresAt - now > RENEW_BEFORE_MS) return current;
      try {
        const renewed = await this.options.api.renew(tenantId, current.subscriptionId, new Date(now + SUBSCRIPTION_LIFETIME_MS));
        return await this.save(tenantId, renewed.id, renewed.expirationDateTime, current.resource);
      } catch (error) {
        if (describeFailure(error).status !== 404) throw error;
        this.options.logger.warn({ tenantId, subscriptionId: current.subscriptionId }, 'Graph no longer knows the subscription; creating a new one');
      }
    }
    return this.create(tenantId);
  }

  /**
   * Answers a lifecycle event: reauthorize (renewing when that fails), or re-create. Events for
   * a subscription (or tenant) whose answer is in flight join it; a removal of a subscription
   * that was already replaced is ignored.
   */
  handleLifecycle(tenantId: string, subscriptionId: string | null, event: string): Promise<void> {
    if (event === 'reauthorizationRequired' && subscriptionId) {
      const key = `${tenantId}\n${subscriptionId}`;
      return this.once(this.reauthorizing, key, () => this.reauthorize(tenantId, subscriptionId));
    }
    if (event === 'subscriptionRemoved') {
      return this.once(this.recreating, tenantId, () => this.recreate(tenantId, subscriptionId));
    }
    return Promise.resolve();
  }

  private async reauthorize(tenantId: string, subscriptionId: string): Promise<void> {
    const { api, logger } = this.options;
    try {
      await api.reauthorize(tenantId, subscriptionId);
      logger.info({ tenantId, subscriptionId }, 'subscription reauthorized');
    } catch (error) {
      logger.warn({ tenantId, err: describeFailure(error).message }, 'reauthorize failed; renewing instead');
      await this.ensure(tenantId, true);
    }
  }

  private async recreate(tenantId: string, removedId: string | null): Promise<void> {
    // A check in flight may have read the removed subscription as healthy: let it end first.
    await this.ensuring.get(tenantId)?.promise.catch(() => undefined);
    const stored = await this.options.store.subscriptions.getSubscription(tenantId);
    if (stored && removedId && stored.subscriptionId !== removedId) {
      // A late copy of the event for a subscription already replaced: the current one is fine.
      this.options.logger.info({ tenantId, subscriptionId: removedId }, 'removal of a subscription already replaced; nothing to do');
      return;
    }
    await this.options.store.subscriptions.deleteSubscription(tenantId);
    // Through `ensure`, so a check or renewal in flight for the tenant and this re-creation never both create one.
    await this.ensure(tenantId);
  }

  /** Runs `task` unless one is in flight under `key`, in which case its promise is shared. */
  private once(runs: Map<string, Promise<void>>, key: string, task: () => Promise<void>): Promise<void> {
    const running = runs.get(key);
    if (running) return running;
    const promise = task().finally(() => runs.delete(key));
    runs.set(key, promise);
    return promise;
  }

  private async create(tenantId: string): Promise<SubscriptionState> {
    const created = await this.options.api.create(tenantId, {
      notificationUrl: this.options.notificationUrl,
      lifecycleNotificationUrl: this.options.lifecycleUrl,
      clientState: this.options.clientState,
      expirationDateTime: new Date(this.clock() + SUBSCRIPTION_LIFETIME_MS),
    });
    this.options.logger.info({ tenantId, subscriptionId: created.id, expires: created.expirationDateTime }, 'Graph subscription created');
    return this.save(tenantId, created.id, created.expirationDateTime, created.resource ?? CALL_RECORDS_RESOURCE);
  }

  private async save(tenantId: string, subscriptionId: string, expiration: string, resource: string): Promise<SubscriptionState> {
    const state: SubscriptionState = {
      tenantId,
      subscriptionId,
      resource,
      expiresAt: Date.parse(expiration),
      notificationUrl: this.options.notificationUrl,
      updatedAt: this.clock(),
    };
    await this.options.store.subscriptions.putSubscription(state);
    return state;
  }
}
