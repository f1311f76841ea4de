import { asNumber, asString, endOf, mediaEntriesOf, type JsonObject } from '../quality';
import type { PlaceEndpoint } from '../insights';
import { personAt, UNKNOWN_PERSON, type KeyedPerson, type PersonList } from './call-people';
import { endpointPlace, placeWords } from './endpoint-place';
import { nameOf } from './endpoint-name';

/** What a hint points at. */
export type CallHintKind =
  | 'device-failure'
  | 'muted-device'
  | 'zero-volume'
  | 'glitches'
  | 'network-quality'
  | 'low-bandwidth'
  | 'network-delay'
  | 'cpu'
  | 'howling'
  | 'noise'
  | 'clipping'
  | 'wifi'
  | 'mobile'
  | 'vpn'
  | 'relay';

/** A network or device condition the record shows, that may explain poor quality. */
export interface CallHint {
  kind: CallHintKind;
  /** Whose endpoint it was (display name), null when the record does not say. */
  who: string | null;
  /** One sentence people read: what happened and why it matters. */
  text: string;
  /**
   * Whose endpoint it was, as an index in the summary's people (`CallSummary.people`), so a card
   * about one person's side shows only their hints; absent or -1 when not known.
   */
  person?: number;
}

/**
 * When a hint is raised. Microsoft publishes no "poor" line for most of these fields, so the bot
 * picks values that point at a clear cause rather than at noise:
 * - glitch rates are glitches per five minutes (Graph `micGlitchRate`, `speakerGlitchRate`). The
 *   Skype for Business QoE schema (AudioSignal table) says good quality is under one per five
 *   minutes; a hint needs more than ten, ten times that, so a single hiccup is not blamed;
 * - event ratios are the fraction of the call the client detected the condition
 *   (`sentQualityEventRatio`, `bandwidthLowEventRatio`, `cpuInsufficentEventRatio`, …): a hint needs
 *   more than a tenth of the call;
 * - a muted or zero-volume speaker, a capture or render device that was not working, and howling
 *   count from the first event, because any of them explains "could not hear".
 */
export const HINT_THRESHOLDS = {
  glitchesPerFiveMinutes: 10,
  eventRatio: 0.1,
  deviceEventRatio: 0,
  howlingEvents: 0,
} as const;

/** The order hints are shown in: the most direct causes first. */
export const HINT_KIND_ORDER: readonly CallHintKind[] = [
  'device-failure',
  'muted-device',
  'zero-volume',
  'network-quality',
  'low-bandwidth',
  'network-delay',
  'wifi',
  'vpn',
  'mobile',
  'glitches',
  'cpu',
  'howling',
  'noise',
  'clipping',
  'relay',
];

interface RankedHint extends CallHint {
  /** How bad it was, to keep the worst of repeated hints. */
  weight: number;
}

/** A hint kept by {@link CallHintCollector}: whose endpoint it was is resolved to an index at the end. */
interface HeldHint extends RankedHint {
  /** Whose endpoint it was; null when the record does not say, undefined when people are not told apart. */
  owner: KeyedPerson | null | undefined;
}

/**
 * Collects a call's network and device hints as its sessions arrive page by page: one per kind,
 * name and person, the worst one kept, most direct causes first; it holds those hints and the
 * people the walk met, not the sessions. `hints(people)` after the last page gives the same hints
 * however the sessions were split into pages: the people the hints walk meets first are added to
 * `people` in the order it met them.
 */
export class CallHintCollector {
  private readonly byKey = new Map<string, HeldHint>();
  /** Everyone at an end of a media entry, in the order the walk first met them, whether or not a hint came of it. */
  private readonly met = new Map<string, KeyedPerson>();

  /** `tellPeopleApart`: whether the hints will say whose endpoint they were (a people list is given to {@link hints}). */
  constructor(
    private readonly place: PlaceEndpoint | undefined,
    private readonly tellPeopleApart: boolean,
  ) {}

  /** Walks the media entries of (de-duplicated, not yet added) sessions. */
  add(sessions: readonly JsonObject[]): this {
    for (const entry of mediaEntriesOf(sessions)) {
      for (const role of ['caller', 'callee'] as const) {
        const { endpoint, sessionEndpoint, network, device } = endOf(entry, role);
        const name = nameOf(endpoint) ?? nameOf(sessionEndpoint);
        const where = endpointPlace(network, this.place);
        const owner = this.tellPeopleApart ? personAt(entry, role) : undefined;
        if (owner && !this.met.has(owner.key)) this.met.set(owner.key, owner);
        const add = (hint: RankedHint) => {
          const key = JSON.stringify([hint.kind, hint.who, owner?.key ?? null]);
          const existing = this.byKey.get(key);
          if (!existing || hint.weight > existing.weight) this.byKey.set(key, { ...hint, owner });
        };
        // A hint about the connection says it in its sentence: its name carries the building alone.
        networkHints(network, placed(name, placeWords(where)), placed(name, placeWords(where, false))).forEach(add);
        deviceHints(device, placed(name, placeWords(where))).forEach(add);
      }
    }
    return this;
  }

  /** The hints, most direct causes first; with `people`, everyone met is indexed there and each hint names its person's index. */
  hints(people?: PersonList): CallHint[] {
    if (people) for (const person of this.met.values()) people.indexOfKnown(person);
    return [...this.byKey.values()]
      .sort((a, b) => HINT_KIND_ORDER.indexOf(a.kind) - HINT_KIND_ORDER.indexOf(b.kind) || b.weight - a.weight)
      .map(({ kind, who, text, owner }) => {
        if (!people || owner === undefined) return { kind, who, text };
        return { kind, who, text, person: owner === null ? UNKNOWN_PERSON : people.indexOfKnown(owner) };
      });
  }
}

/** A name with where its endpoint was, `Olga (HQ Building, Wi-Fi 5 GHz)`; the name alone when the place is unknown. */
function placed(name: string | null, where: string | null): string | null {
  return where ? `${name ?? 'Someone'} (${where})` : name;
}

function networkHints(network: JsonObject | undefined, who: string | null, connectionWho: string | null): RankedHint[] {
  if (!network) return [];
  const hints: RankedHint[] = [];
  const possessive = who ? `${who}’s` : 'Someone’s';
  const connection = asString(network.connectionType);
  const hint = (kind: 'wifi' | 'mobile' | 'vpn', weight: number, text: (name: string, possessive: string) => string) =>
    hints.push({ kind, who: connectionWho, weight, text: text(connectionWho ?? 'Someone', connectionWho ? `${connectionWho}’s` : 'Someone’s') });
  if (connection === 'wifi') {
    const details = [wifiBand(asString(network.wifiBand)), signal(asNumber(network.wifiSignalStrength))].filter(Boolean).join(', ');
    const weakSignal = asNumber(network.wifiSignalStrength);
    hint('wifi', weakSignal === null ? 0 : 100 - weakSignal, (name) => `${name} was on Wi-Fi${details ? ` (${details})` : ''}; Wi-Fi often loses and delays packets, a wired connection avoids that.`);
  } else if (connection === 'mobile') {
    hint('mobile', 0, (name) => `${name} was on a mobile data connection, where bandwidth and delay vary a lot.`);
  } else if (connection === 'tunnel') {
    hint('vpn', 0, (_, possessive) => `${possessive} media went through a VPN tunnel; Teams media should bypass the VPN (split tunnelling).`);
  }
  const relay = asString(network.relayIPAddress);
  if (relay) {
    hints.push({ kind: 'relay', who, weight: 0, text: `${possessive} media was set up through a relay server (${relay}) rather than a direct path, which adds delay.` });
  }
  const received = asNumber(network.receivedQualityEventRatio) ?? 0;
  const sent = asNumber(network.sentQualityEventRatio) ?? 0;
  if (Math.max(received, sent) > HINT_THRESHOLDS.eventRatio) {
    const parts: string[] = [];
    if (sent > HINT_THRESHOLDS.eventRatio) parts.push(`the audio they sent for ${percent(sent)}`);
    if (received > HINT_THRESHOLDS.eventRatio) parts.push(`the audio they received for ${percent(received)}`);
    hints.push({ kind: 'network-quality', who, weight: Math.max(received, sent), text: `${possessive} network degraded ${parts.join(' and ')} of the call.` });
  }
  const lowBandwidth = asNumber(network.bandwidthLowEventRatio) ?? 0;
  if (lowBandwidth > HINT_THRESHOLDS.eventRatio) {
    hints.push({ kind: 'low-bandwidth', who, weight: lowBandwidth, text: `${possessive} bandwidth was too low for ${percent(lowBandwidth)} of the call.` });
  }
  const delay = asNumber(network.delayEventRatio) ?? 0;
  if (delay > HINT_THRESHOLDS.eventRatio) {
    hints.push({ kind: 'network-delay', who, weight: delay, text: `${possessive} network delay was high enough to disturb the conversation for ${percent(delay)} of the call.` });
  }
  return hints;
}

function deviceHints(device: JsonObject | undefined, who: string | null): RankedHint[] {
  if (!device) return [];
  const hints: RankedHint[] = [];
  const name = who ?? 'Someone';
  const possessive = who ? `${who}’s` : 'Someone’s';
  const captureBroken = asNumber(device.captureNotFunctioningEventRatio) ?? 0;
  const renderBroken = asNumber(device.renderNotFunctioningEventRatio) ?? 0;
  if (captureBroken > HINT_THRESHOLDS.deviceEventRatio || renderBroken > HINT_THRESHOLDS.deviceEventRatio) {
    const broken: Array<[string, number]> = [];
    if (captureBroken > HINT_THRESHOLDS.deviceEventRatio) broken.push([`microphone${deviceName(device.captureDeviceName)}`, captureBroken]);
    if (renderBroken > HINT_THRESHOLDS.deviceEventRatio) broken.push([`speaker${deviceName(device.renderDeviceName)}`, renderBroken]);
    const text =
      broken.length === 1
        ? `${possessive} ${broken[0]![0]} was not working for ${percent(broken[0]![1])} of the call.`
        : `${possessive} ${broken.map(([name]) => name).join(' and ')} were not working (${broken.map(([name, ratio]) => `${name.split(' ')[0]} ${percent(ratio)}`).join(', ')} of the call).`;
    hints.push({ kind: 'device-failure', who, weight: Math.max(captureBroken, renderBroken), text });
  }
  const muted = asNumber(device.renderMuteEventRatio) ?? 0;
  if (muted > HINT_THRESHOLDS.deviceEventRatio) {
    hints.push({ kind: 'muted-device', who, weight: muted, text: `${possessive} speaker${deviceName(device.renderDeviceName)} was muted for ${percent(muted)} of the call.` });
  }
  const zeroVolume = asNumber(device.renderZeroVolumeEventRatio) ?? 0;
  if (zeroVolume > HINT_THRESHOLDS.deviceEventRatio) {
    hints.push({ kind: 'zero-volume', who, weight: zeroVolume, text: `${possessive} speaker volume was set to zero for ${percent(zeroVolume)} of the call.` });
  }
  const mic = asNumber(device.micGlitchRate) ?? 0;
  const speaker = asNumber(device.speakerGlitchRate) ?? 0;
  if (Math.max(mic, speaker) > HINT_THRESHOLDS.glitchesPerFiveMinutes) {
    const parts: string[] = [];
    if (mic > HINT_THRESHOLDS.glitchesPerFiveMinutes) parts.push(`microphone ${Math.round(mic)}`);
    if (speaker > HINT_THRESHOLDS.glitchesPerFiveMinutes) parts.push(`speaker ${Math.round(speaker)}`);
    hints.push({
      kind: 'glitches',
      who,
      weight: Math.max(mic, speaker),
      text: `${possessive} audio device glitched often (${parts.join(', ')} glitches per 5 minutes; under 1 is good), a sign of a busy computer or a faulty driver.`,
    });
  }
  const cpu = asNumber(device.cpuInsufficentEventRatio) ?? 0;
  if (cpu > HINT_THRESHOLDS.eventRatio) {
    hints.push({ kind: 'cpu', who, weight: cpu, text: `${possessive} computer was short of CPU for ${percent(cpu)} of the call, which degrades the audio.` });
  }
  const howling = asNumber(device.howlingEventCount) ?? 0;
  if (howling > HINT_THRESHOLDS.howlingEvents) {
    hints.push({ kind: 'howling', who, weight: howling, text: `${name}’s device howled or screeched ${howling} time${howling === 1 ? '' : 's'} (a microphone too close to a speaker).` });
  }
  const noisy = asNumber(device.lowSpeechToNoiseEventRatio) ?? 0;
  if (noisy > HINT_THRESHOLDS.eventRatio) {
    hints.push({ kind: 'noise', who, weight: noisy, text: `${name} spoke over background noise for ${percent(noisy)} of the call.` });
  }
  const clipping = asNumber(device.deviceClippingEventRatio) ?? 0;
  if (clipping > HINT_THRESHOLDS.eventRatio) {
    hints.push({ kind: 'clipping', who, weight: clipping, text: `${possessive} microphone clipped (too loud) for ${percent(clipping)} of the call.` });
  }
  return hints;
}

function percent(ratio: number): string {
  const value = ratio * 100;
  if (value > 0 && value < 1) return 'under 1 %';
  return `${Math.round(value)} %`;
}

function signal(strength: number | null): string {
  return strength === null ? '' : `signal ${Math.round(strength)} %`;
}

function wifiBand(band: string | null): string {
  switch (band) {
    case 'frequency24GHz':
      return '2.4 GHz';
    case 'frequency50GHz':
      return '5 GHz';
    case 'frequency60GHz':
      // Graph writes 5.0 GHz as frequency50GHz, so this is 6.0 GHz (Wi-Fi 6E), not 60 GHz.
      return '6 GHz';
    default:
      return '';
  }
}

function deviceName(name: unknown): string {
  const text = asString(name);
  return text && !/^default /i.test(text) ? ` (${text})` : '';
}
