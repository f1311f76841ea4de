import type { Subscription } from '@microsoft/microsoft-graph-types';
import { GraphRequestError } from './graph-request-error';
import type { GraphTransport } from './graph-transport';
import { PageWalk } from './page-walk';

/** A Graph subscription as returned by Graph, with the fields the bot relies on made required. */
export type GraphSubscription = Subscription & { id: string; expirationDateTime: string };

/** Graph's ceiling for a callRecord subscription's lifetime. */
export const MAX_SUBSCRIPTION_LIFETIME_MINUTES = 4230;
/** The lifetime the client asks for: just under the ceiling, so clock skew never makes Graph refuse it. */
export const SUBSCRIPTION_LIFETIME_MINUTES = 4200;

/** What a new call-record subscription needs. */
export interface CallRecordSubscriptionRequest {
  /** Where Graph posts change notifications (https). */
  notificationUrl: string;
  /** Where Graph posts lifecycle notifications; can only be set at creation. */
  lifecycleNotificationUrl?: string;
  /** Secret Graph echoes in every notification, at most 128 characters. */
  clientState: string;
  /** Defaults to now + {@link SUBSCRIPTION_LIFETIME_MINUTES}. */
  expirationDateTime?: Date;
  /** Defaults to `created,updated`. */
  changeType?: string;
  /** Defaults to `/communications/callRecords`. */
  resource?: string;
}

/** The subscription operations of the Graph client. A 404 always surfaces as `GraphRequestError` with `notFound`. */
export interface GraphSubscriptions {
  /** `POST /subscriptions`. */
  create(tenantId: string, request: CallRecordSubscriptionRequest): Promise<GraphSubscription>;
  /** `PATCH /subscriptions/{id}` with a new expiry (default now + 4,200 minutes). A 404 means re-create it. */
  renew(tenantId: string, subscriptionId: string, expirationDateTime?: Date): Promise<GraphSubscription>;
  /** `POST /subscriptions/{id}/reauthorize` (answer to `reauthorizationRequired`). */
  reauthorize(tenantId: string, subscriptionId: string): Promise<void>;
  /** `GET /subscriptions/{id}`. */
  get(tenantId: string, subscriptionId: string): Promise<GraphSubscription>;
  /** `DELETE /subscriptions/{id}`; resolves false when it was already gone (404). */
  delete(tenantId: string, subscriptionId: string): Promise<boolean>;
  /** `GET /subscriptions`, every page (the app's subscriptions in the tenant). */
  list(tenantId: string): Promise<GraphSubscription[]>;
}

/** The subscription operations over a transport; `now` gives the default expiry. */
export function createGraphSubscriptions(transport: GraphTransport, now: () => number, maxListPages: number): GraphSubscriptions {
  const defaultExpiry = (): Date => new Date(now() + SUBSCRIPTION_LIFETIME_MINUTES * 60_000);
  const path = (subscriptionId: string): string => {
    if (typeof subscriptionId !== 'string' || !/^[A-Za-z0-9-]{1,100}$/.test(subscriptionId)) {
      throw new TypeError(`"${String(subscriptionId)}" is not a subscription id: give the id Graph returned when it was created.`);
    }
    return `/subscriptions/${subscriptionId}`;
  };
  const checkExpiry = (expiry: Date): string => {
    if (Number.isNaN(expiry.getTime())) throw new TypeError('The subscription expiry is not a valid date.');
    const minutes = (expiry.getTime() - now()) / 60_000;
    if (minutes > MAX_SUBSCRIPTION_LIFETIME_MINUTES) {
      throw new RangeError(`A callRecord subscription can live at most ${MAX_SUBSCRIPTION_LIFETIME_MINUTES} minutes; ${expiry.toISOString()} is ${Math.round(minutes)} minutes away.`);
    }
    return expiry.toISOString();
  };
  const expectSubscription = (value: unknown, tenantId: string, operation: string): GraphSubscription => {
    const subscription = value as Partial<GraphSubscription> | undefined;
    if (!subscription || typeof subscription.id !== 'string' || typeof subscription.expirationDateTime !== 'string') {
      throw new GraphRequestError(`Graph's answer to ${operation} is not a subscription (no "id" and "expirationDateTime").`, {
        kind: 'invalid-response',
        operation,
        tenantId,
        retryable: true,
      });
    }
    return subscription as GraphSubscription;
  };

  return {
    async create(tenantId, request) {
      if (!request.clientState || request.clientState.length > 128) {
        throw new RangeError('The subscription clientState must be 1 to 128 characters (a Graph limit): check NOTIFICATION_CLIENT_STATE.');
      }
      const operation = 'POST /subscriptions';
      const body = {
        changeType: request.changeType ?? 'created,updated',
        notificationUrl: request.notificationUrl,
        ...(request.lifecycleNotificationUrl ? { lifecycleNotificationUrl: request.lifecycleNotificationUrl } : {}),
        resource: request.resource ?? '/communications/callRecords',
        expirationDateTime: checkExpiry(request.expirationDateTime ?? defaultExpiry()),
        clientState: request.clientState,
      };
      const answer = await transport.send({ tenantId, method: 'POST', url: transport.url('/subscriptions'), operation, body });
      return expectSubscription(answer, tenantId, operation);
    },
    async renew(tenantId, subscriptionId, expirationDateTime) {
      const operation = 'PATCH /subscriptions/{id}';
      const url = transport.url(path(subscriptionId));
      const body = { expirationDateTime: checkExpiry(expirationDateTime ?? defaultExpiry()) };
      const answer = await transport.send({ tenantId, method: 'PATCH', url, operation, body });
      return expectSubscription(answer, tenantId, operation);
    },
    async reauthorize(tenantId, subscriptionId) {
      const url = transport.url(`${path(subscriptionId)}/reauthorize`);
      await transport.send({ tenantId, method: 'POST', url, operation: 'POST /subscriptions/{id}/reauthorize' });
    },
    async get(tenantId, subscriptionId) {
      const operation = 'GET /subscriptions/{id}';
      const answer = await transport.send({ tenantId, method: 'GET', url: transport.url(path(subscriptionId)), operation });
      return expectSubscription(answer, tenantId, operation);
    },
    async delete(tenantId, subscriptionId) {
      try {
        await transport.send({ tenantId, method: 'DELETE', url: transport.url(path(subscriptionId)), operation: 'DELETE /subscriptions/{id}' });
        return true;
      } catch (error) {
        if (error instanceof GraphRequestError && error.notFound) return false;
        throw error;
      }
    },
    async list(tenantId) {
      const operation = 'GET /subscriptions';
      const subscriptions: GraphSubscription[] = [];
      const walk = new PageWalk(transport, { tenantId, operation, maxPages: maxListPages, subject: 'the listing of subscriptions', capAdvice: 'Raise the page cap.' });
      const send = async (url: string) => {
        const page = (await transport.send({ tenantId, method: 'GET', url, operation })) as { value?: unknown; '@odata.nextLink'?: unknown } | undefined;
        if (!page || !Array.isArray(page.value)) {
          throw new GraphRequestError(`Graph's answer to ${operation} has no "value" array.`, { kind: 'invalid-response', operation, tenantId, retryable: true });
        }
        return page as { value: unknown[]; '@odata.nextLink'?: unknown };
      };
      for await (const page of walk.pages(transport.url('/subscriptions'), send, (answer) => answer['@odata.nextLink'])) {
        for (const item of page.value) subscriptions.push(expectSubscription(item, tenantId, operation));
      }
      return subscriptions;
    },
  };
}
