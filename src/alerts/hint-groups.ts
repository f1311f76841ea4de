import type { CallHint, CallHintKind } from './call-hints';
import { clip, count } from './card-text';

/** From this many people with the same hint on, a card shows one line for all of them. */
export const HINT_GROUP_MIN = 3;

/** How many names a grouped hint spells out before "and N more". */
const NAMES_SHOWN = 3;

/** What people with a hint had, as the end of "12 people …". */
const KIND_PREDICATES: Readonly<Record<CallHintKind, string>> = {
  'device-failure': 'had a microphone or speaker that stopped working',
  'muted-device': 'had their speaker muted',
  'zero-volume': 'had their speaker volume at zero',
  'network-quality': 'were on a network that degraded their audio',
  'low-bandwidth': 'had too little bandwidth',
  'network-delay': 'had high network delay',
  wifi: 'were on Wi-Fi',
  vpn: 'sent their media through a VPN',
  mobile: 'were on mobile data',
  glitches: 'had audio devices that glitched often',
  cpu: 'ran short of CPU',
  howling: 'had howling or screeching audio',
  noise: 'spoke over background noise',
  clipping: 'had microphones that clipped',
  relay: 'had their media set up through a relay server',
};

/**
 * The hints as lines for a card, in the given order: a kind that several people share becomes
 * one line ("1,000 people had their speaker muted: A, B, C and 997 more"), so a big meeting's
 * card names the causes rather than repeating one cause per person.
 */
export function groupHints(hints: readonly CallHint[]): string[] {
  const byKind = new Map<CallHintKind, CallHint[]>();
  for (const hint of hints) {
    const list = byKind.get(hint.kind) ?? [];
    list.push(hint);
    byKind.set(hint.kind, list);
  }
  const lines: string[] = [];
  const done = new Set<CallHintKind>();
  for (const hint of hints) {
    const group = byKind.get(hint.kind) ?? [hint];
    if (group.length < HINT_GROUP_MIN) {
      lines.push(hint.text);
      continue;
    }
    if (done.has(hint.kind)) continue;
    done.add(hint.kind);
    const names = group.map((member) => clip(member.who ?? 'someone', 40));
    const shown = names.slice(0, NAMES_SHOWN).join(', ');
    const rest = names.length - NAMES_SHOWN;
    lines.push(`${count(group.length)} people ${KIND_PREDICATES[hint.kind]}: ${shown}${rest > 0 ? ` and ${count(rest)} more` : ''}.`);
  }
  return lines;
}
