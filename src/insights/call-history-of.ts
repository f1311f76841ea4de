import { asObject, SessionPeople, uniqueSessions, type CallQualityReport } from '../quality';
import type { CallHistory } from './call-history';
import { CallHistoryBuilder, type PlaceEndpoint } from './call-history-builder';

export type { PlaceEndpoint } from './call-history-builder';


/** What {@link callHistoryOf} summarizes. */
export interface CallHistoryInput {
  /** The Graph call record, as fetched (sessions and segments expanded). */
  record: unknown;
  /** The engine's report of that same record: its streams follow the record's streams one to one. */
  report: CallQualityReport;
  tenantId: string;
  /** How the bot learnt of the call (the inbox item's source: `notification`, `sweep`, `backfill`, ...). */
  source: string;
  /** Places endpoints in buildings; without it no endpoint has a building. */
  place?: PlaceEndpoint;
  /** The alert decision taken for the call (the report's `alert`, or a failure under `ALERT_FAILURES`); the report's `alert` when not given. */
  alert?: boolean;
}

/**
 * The history summary of one scored version of a call: times, type, organizer, participant count,
 * the verdict, every scored stream with who sent it to whom, every endpoint those streams name
 * (person, network, connection, client, building), every rating and every failed session. Pure and total: fields the
 * record lacks are null, never an error.
 */
export function callHistoryOf(input: CallHistoryInput): CallHistory {
  const call = asObject(input.record) ?? {};
  const sessions = uniqueSessions(call);
  const builder = new CallHistoryBuilder(call, new SessionPeople().add(sessions), input);
  builder.addSessions(sessions, input.report.streams);
  return builder.history(input.report, input.alert);
}
