import type { CallFailure, FailureParty } from '../quality';
import { clip, plural } from './card-text';
import { SERVICE_ENDPOINT_NAME } from './endpoint-name';

/** The longest name a failure sentence shows. */
const MAX_NAME = 60;

/** What happened at each documented stage, as the end of "The session between A and B …". */
const STAGE_WORDS: ReadonlyMap<string, string> = new Map([
  ['callSetup', 'could not be set up'],
  ['midcall', 'dropped during the call'],
]);

/** What a failure of an unknown or undocumented stage reads as. */
const UNKNOWN_STAGE_WORDS = 'failed, at a stage Graph does not name';

/** "could not be set up", "dropped during the call", or the words for a stage Graph does not name. */
export function stageWords(stage: string): string {
  return STAGE_WORDS.get(stage) ?? UNKNOWN_STAGE_WORDS;
}

/**
 * One failure in a sentence, Graph's reason kept as Graph wrote it (already bounded):
 * `The session between Ann and Teams service dropped during the call. Graph's reason: "…".`
 * Names are in it, so it belongs in a TextRun (never parsed as markdown).
 */
export function failureSentence(failure: CallFailure): string {
  const reason = failure.reason ? ` Graph's reason: “${failure.reason}”.` : ' Graph gave no reason.';
  return `The session between ${partyWords(failure.caller, 'someone')} and ${partyWords(failure.callee, 'someone else')} ${stageWords(failure.stage)}.${reason}`;
}

/** The alert card's title for a failed call: the one stage all failures share, else "Call failures". */
export function failureTitle(failures: readonly CallFailure[]): string {
  const stages = new Set(failures.map((failure) => (STAGE_WORDS.has(failure.stage) ? failure.stage : 'unknown')));
  if (stages.size > 1) return 'Call failures';
  const [stage] = stages;
  if (stage === 'callSetup') return 'Call could not be set up';
  if (stage === 'midcall') return 'Call dropped';
  return 'Call failed';
}

/** A clause for the verdict, no names: "2 sessions failed (1 could not be set up, 1 dropped during the call)". */
export function failureClause(failures: readonly CallFailure[]): string {
  const byWords = new Map<string, number>();
  for (const failure of failures) byWords.set(stageWords(failure.stage), (byWords.get(stageWords(failure.stage)) ?? 0) + 1);
  if (failures.length === 1) return `A session ${[...byWords.keys()][0]}`;
  const parts = [...byWords].map(([words, count]) => `${count} ${words}`);
  return `${plural(failures.length, 'session')} failed (${parts.join(', ')})`;
}

/** A short marker for a list row: "dropped", "set-up failure", "failed". */
export function failureMarker(failures: readonly CallFailure[]): string | null {
  if (failures.length === 0) return null;
  const setUp = failures.filter((failure) => failure.stage === 'callSetup').length;
  const dropped = failures.filter((failure) => failure.stage === 'midcall').length;
  const parts = [setUp > 0 ? (setUp === 1 ? 'set-up failure' : `${setUp} set-up failures`) : null, dropped > 0 ? (dropped === 1 ? 'dropped' : `${dropped} drops`) : null];
  const other = failures.length - setUp - dropped;
  if (other > 0) parts.push(other === 1 ? 'failed' : `${other} failures`);
  return parts.filter((part): part is string => part !== null).join(', ');
}

function partyWords(party: FailureParty, fallback: string): string {
  const name = party.displayName ?? (party.service ? SERVICE_ENDPOINT_NAME : null);
  return clip(name ?? fallback, MAX_NAME);
}
