/** One metric of the bot: its OpenTelemetry name (also its `Name` in Application Insights' AppMetrics), unit and meaning. */
export interface MetricSpec {
  name: string;
  /** UCUM unit, as OpenTelemetry's semantic conventions write them (`s`, `{notification}`). */
  unit: string;
  description: string;
}

/** Every metric the bot records, in the `callquality.` namespace. docs/deploy.md queries them by these names. */
export const METRICS = {
  notificationsReceived: {
    name: 'callquality.notifications.received',
    unit: '{notification}',
    description: 'Call-record change notifications accepted and persisted to the inbox.',
  },
  notificationsRefused: {
    name: 'callquality.notifications.refused',
    unit: '{notification}',
    description: 'Change notifications refused, by callquality.refusal.reason (clientState, tenant, malformed, invalid-json, too-large).',
  },
  recordsFetched: {
    name: 'callquality.records.fetched',
    unit: '{record}',
    description: 'Call records fetched from Graph with all their session pages.',
  },
  graphThrottled: {
    name: 'callquality.graph.throttled',
    unit: '{response}',
    description: 'Graph answers 429 (throttled), by callquality.graph.operation.',
  },
  graphRetries: {
    name: 'callquality.graph.retries',
    unit: '{retry}',
    description: 'Graph work scheduled again after a failure, by callquality.retry.reason (HTTP status or failure kind).',
  },
  inboxItems: {
    name: 'callquality.inbox.items',
    unit: '{item}',
    description: 'Items in the durable inbox, by callquality.inbox.state.',
  },
  inboxOldestPendingAge: {
    name: 'callquality.inbox.oldest_pending_age',
    unit: 's',
    description: 'Age of the oldest inbox item that is due or being processed (0 when none).',
  },
  alertsPosted: { name: 'callquality.alerts.posted', unit: '{alert}', description: 'Alert cards posted to Teams.' },
  alertsUpdated: { name: 'callquality.alerts.updated', unit: '{alert}', description: 'Alert cards updated in place in Teams.' },
  alertsDigested: { name: 'callquality.alerts.digested', unit: '{alert}', description: 'Alerts put into a digest card.' },
  alertsFailed: { name: 'callquality.alerts.failed', unit: '{alert}', description: 'Alerts given up on (could not be delivered).' },
  cardLatency: {
    name: 'callquality.card.latency',
    unit: 's',
    description: "Time from a call's first notification to its card in Teams.",
  },
} as const satisfies Record<string, MetricSpec>;
