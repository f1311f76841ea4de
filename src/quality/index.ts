/**
 * The call-quality engine: judges Graph call records the way Call Quality Dashboard does.
 * Pure: no I/O, no clock, no globals.
 */
export * from './report';
export { scoreCallRecord } from './score';
export { judgeStream, overallQuality } from './stream-judge';
export { CallScorer } from './call-scorer';
export {
  compactReport,
  CompactStreamRule,
  compactStreamPositions,
  streamCountsOf,
  streamTotalsOf,
  STREAMS_KEPT_OF_ANY_CLASS,
  type StreamCounts,
  type ClassCounts,
} from './compact-report';
export {
  resolveScoringOptions,
  parseScoringSettings,
  parseThresholdOverride,
  InvalidScoringSettingError,
  DEFAULT_ALERT_RATINGS,
  type ScoringOptions,
  type ScoringSettings,
  type ThresholdOverrides,
} from './scoring-options';
export { PROFILES, DEFAULT_PROFILE, STREAM_KINDS, isProfileName, thresholdMetricsOf, type QualityProfile, type Thresholds } from './profiles';
export { METRICS, formatMetricValue, isStreamMetric, readMetric, type StreamMetric, type MetricUnit } from './metrics';
export { durationToMilliseconds } from './duration';
export { streamKindOf } from './stream-kind';
export { mediaEntriesOf, mediaStreamsOf, type MediaEntry, type MediaStreamEntry } from './media-streams';
export { feedbackOfSession } from './feedback';
export { streamRoles, endOf, type EndpointRole } from './stream-ends';
export { endpointUser, identityOf, isServiceEndpoint, organizerOf, SessionPeople, type PartyIdentity } from './call-parties';
export { callFailuresOf, failureOfSession, MAX_FAILURE_REASON_LENGTH } from './call-failures';
export { feedbackTokenWords } from './feedback-tokens';
export { notACallRecordReason } from './call-record';
export { formatReportText } from './format-text';
export { uniqueSessions, newSessions, asObject, asArray, asString, asNumber, asTime, type JsonObject } from './json-reader';
