/**
 * Generates realistic Graph call records for benchmarks: sessions with segments with audio, video
 * and screen-sharing media, two streams per media, every metric Graph reports (durations as ISO 8601
 * strings), and the endpoint, network and device properties the engine never reads but `JSON.parse`
 * has to, so that the bytes and their shape resemble what Graph sends.
 *
 * Deterministic: the same size and seed give the same record.
 */

import { seededRandom, type Random } from '../test/support/seeded-random';

export { seededRandom };

/** A JSON object. */
type Json = Record<string, unknown>;

const TENANT = 'dc368399-474c-4d40-900c-6265431fd81f';
const FIRST_NAMES = ['Abbie', 'Owen', 'Mira', 'Jonas', 'Priya', 'Kenji', 'Sofia', 'Lars', 'Amara', 'Diego'];
const LAST_NAMES = ['Wilkins', 'Franklin', 'Okafor', 'Lindqvist', 'Raman', 'Sato', 'Moreau', 'Berg', 'Nwosu', 'Castro'];
const AGENTS = [
  { headerValue: 'UCCAPI/16.0.12527.20122 OC/16.0.12527.20194 (Skype for Business)', platform: 'windows', productFamily: 'teams' },
  { headerValue: 'RTCC/7.0.0.0 UCWA/7.0.0.0 AndroidLync/6.25.0.27 (SM-G930U Android 8.0.0)', platform: 'android', productFamily: 'teams' },
  { headerValue: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Teams/24165.1410.2974.6689', platform: 'macOS', productFamily: 'teams' },
];
const CPUS = ['Intel(R) Core(TM) i7-1185G7 @ 3.00GHz', 'Apple M2', 'Intel(R) Xeon(R) CPU E5-2673 v4 @ 2.30GHz', 'AMD Ryzen 7 PRO 5850U'];
const TOKENS = ['NoSound', 'OtherNoSound', 'Echo', 'Noisy', 'LowVolume', 'Stopped', 'DistortedSound', 'Interruptions'];
const RATINGS = ['bad', 'poor', 'fair', 'good', 'excellent'];

/** Generates a call record with `sessionCount` sessions. */
export function generateCallRecord(sessionCount: number, seed = 2026): Json {
  const random = seededRandom(seed);
  const callId = guid(random);
  const users = Array.from({ length: Math.min(250, Math.max(2, Math.ceil(sessionCount / 3))) }, () => user(random));
  const sessions = Array.from({ length: sessionCount }, () => generateSession(random, users));
  return {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#communications/callRecords(sessions(segments()))/$entity',
    version: 1 + Math.floor(random() * 5),
    type: sessionCount > 1 ? 'groupCall' : 'peerToPeer',
    modalities: ['audio', 'video', 'videoBasedScreenSharing'],
    lastModifiedDateTime: '2026-11-21T10:05:24.582757Z',
    startDateTime: '2026-11-21T09:00:01.2169889Z',
    endDateTime: '2026-11-21T10:01:46.7640013Z',
    id: callId,
    joinWebUrl: `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${callId}%40thread.v2/0`,
    organizer_v2: { id: (users[0]!.user as Json).id, identity: users[0] },
    organizer: users[0],
    participants: users.slice(0, 20),
    'sessions@odata.context': `https://graph.microsoft.com/v1.0/$metadata#communications/callRecords('${callId}')/sessions(segments())`,
    sessions,
  };
}

function generateSession(random: Random, users: Json[]): Json {
  const hasVideo = random() < 0.5;
  const hasSharing = random() < 0.15;
  const modalities = ['audio', ...(hasVideo ? ['video'] : []), ...(hasSharing ? ['videoBasedScreenSharing'] : [])];
  const segmentCount = random() < 0.25 ? 2 : 1;
  const caller = endpoint(random, pick(random, users), random() < 0.05);
  const callee = endpoint(random, pick(random, users), random() < 0.05);
  const segments = Array.from({ length: segmentCount }, () => {
    const media: Json[] = [mediaEntry(random, 'main-audio', audioStream)];
    if (hasVideo) media.push(mediaEntry(random, 'main-video', videoStream));
    if (hasSharing) media.push(mediaEntry(random, 'applicationsharing-video', sharingStream));
    return {
      startDateTime: '2026-11-21T09:00:21.2169889Z',
      endDateTime: '2026-11-21T09:52:46.7640013Z',
      id: guid(random),
      caller: endpoint(random, caller.identity as Json, false),
      callee: endpoint(random, callee.identity as Json, false),
      failureInfo: null,
      media,
    };
  });
  return {
    modalities,
    startDateTime: '2026-11-21T09:00:21.2169889Z',
    endDateTime: '2026-11-21T09:52:46.7640013Z',
    id: guid(random),
    isTest: false,
    failureInfo: null,
    caller,
    callee,
    'segments@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#communications/callRecords/sessions/segments',
    segments,
  };
}

function endpoint(random: Random, identity: Json, withFeedback: boolean): Json {
  const agent = pick(random, AGENTS);
  const person = identity.user as Json;
  const result: Json = {
    '@odata.type': '#microsoft.graph.callRecords.participantEndpoint',
    name: `machineName_${Math.floor(random() * 1000)}`,
    cpuName: pick(random, CPUS),
    cpuCoresCount: pick(random, [2, 4, 8, 12]),
    cpuProcessorSpeedInMhz: 2000 + Math.floor(random() * 1500),
    userAgent: { '@odata.type': '#microsoft.graph.callRecords.clientUserAgent', ...agent, applicationVersion: '24165.1410.2974.6689', azureADAppId: null, communicationServiceId: null },
    identity: { '@odata.type': '#microsoft.graph.identitySet', ...identity },
    associatedIdentity: { id: person.id, displayName: person.displayName, tenantId: TENANT, userPrincipalName: `${String(person.displayName).replace(' ', '.').toLowerCase()}@contoso.com` },
  };
  if (withFeedback) {
    const tokens: Json = { '@odata.type': '#microsoft.graph.callRecords.feedbackTokenSet' };
    for (const token of TOKENS) tokens[token] = random() < 0.2;
    result.feedback = { rating: pick(random, RATINGS), text: random() < 0.3 ? 'Audio kept cutting out during the demo' : null, tokens };
  }
  return result;
}

function mediaEntry(random: Random, label: string, stream: (random: Random, direction: string) => Json): Json {
  return {
    label,
    callerNetwork: network(random),
    calleeNetwork: network(random),
    callerDevice: device(random),
    calleeDevice: device(random),
    streams: [stream(random, 'callerToCallee'), stream(random, 'calleeToCaller')],
  };
}

function network(random: Random): Json {
  const wifi = random() < 0.5;
  return {
    ipAddress: `10.${octet(random)}.${octet(random)}.${octet(random)}`,
    subnet: `10.${octet(random)}.0.0`,
    linkSpeed: wifi ? 54_000_000 : 1_000_000_000,
    connectionType: wifi ? 'wifi' : 'wired',
    port: 50_000 + Math.floor(random() * 10_000),
    reflexiveIPAddress: `52.${octet(random)}.${octet(random)}.${octet(random)}`,
    relayIPAddress: `52.114.${octet(random)}.${octet(random)}`,
    relayPort: 3478,
    macAddress: '00-00-00-00-00-00',
    dnsSuffix: null,
    networkTransportProtocol: random() < 0.9 ? 'udp' : 'tcp',
    wifiMicrosoftDriver: wifi ? 'Microsoft: 10.0.19041.1' : null,
    wifiVendorDriver: wifi ? 'Intel: 22.160.0.4' : null,
    wifiRadioType: wifi ? 'wifi80211ac' : 'unknown',
    wifiSignalStrength: wifi ? 60 + Math.floor(random() * 40) : null,
    wifiBatteryCharge: wifi ? Math.floor(random() * 100) : null,
    wifiChannel: wifi ? 36 : null,
    basicServiceSetIdentifier: wifi ? '00-00-00-00-00-00' : null,
    sentQualityEventRatio: round(random() * 0.3, 2),
    receivedQualityEventRatio: round(random() * 0.3, 2),
    delayEventRatio: round(random() * 0.1, 2),
    bandwidthLowEventRatio: 0,
    traceRouteHops: [],
    port_v2: null,
  };
}

function device(random: Random): Json {
  return {
    captureDeviceName: 'Microphone (Jabra Evolve2 65)',
    captureDeviceDriver: 'Microsoft: 10.0.19041.1',
    renderDeviceName: 'Speakers (Jabra Evolve2 65)',
    renderDeviceDriver: 'Microsoft: 10.0.19041.1',
    receivedSignalLevel: -10 - Math.floor(random() * 20),
    receivedNoiseLevel: -60 - Math.floor(random() * 30),
    initialSignalLevelRootMeanSquare: round(random() * 150, 5),
    micGlitchRate: Math.floor(random() * 200),
    speakerGlitchRate: Math.floor(random() * 4000),
    lowSpeechToNoiseEventRatio: 0,
    lowSpeechLevelEventRatio: 0,
    sentSignalLevel: -20,
    sentNoiseLevel: -80,
    captureNotFunctioningEventRatio: 0,
    renderNotFunctioningEventRatio: 0,
    renderZeroVolumeEventRatio: 0,
    renderMuteEventRatio: 0,
    howlingEventCount: 0,
    deviceClippingEventRatio: 0,
    deviceGlitchEventRatio: 0,
    cpuInsufficentEventRatio: 0,
  };
}

/** Every property of a `mediaStream`, as Graph sends them (the ones that do not apply are null). */
function baseStream(random: Random, direction: string): Json {
  return {
    streamId: String(1_000_000_000 + Math.floor(random() * 1_000_000_000)),
    streamDirection: direction,
    startDateTime: '2026-11-21T09:00:22.1234567Z',
    endDateTime: '2026-11-21T09:52:46.1234567Z',
    averageAudioDegradation: null,
    averageJitter: null,
    maxJitter: null,
    averagePacketLossRate: null,
    maxPacketLossRate: null,
    averageRatioOfConcealedSamples: null,
    maxRatioOfConcealedSamples: null,
    averageRoundTripTime: null,
    maxRoundTripTime: null,
    packetUtilization: null,
    averageBandwidthEstimate: Math.floor(random() * 20_000_000),
    wasMediaBypassed: false,
    averageAudioNetworkJitter: null,
    maxAudioNetworkJitter: null,
    rmsFreezeDuration: null,
    averageFreezeDuration: null,
    isAudioForwardErrorCorrectionUsed: null,
    audioCodec: null,
    videoCodec: null,
    averageVideoFrameLossPercentage: null,
    averageVideoFrameRate: null,
    averageReceivedFrameRate: null,
    averageVideoPacketLossRate: null,
    lowFrameRateRatio: null,
    lowVideoProcessingCapabilityRatio: null,
    postForwardErrorCorrectionPacketLossRate: null,
  };
}

function audioStream(random: Random, direction: string): Json {
  const jitter = 1 + Math.floor(random() * 45);
  const roundTrip = 10 + Math.floor(random() * 600);
  const loss = round(random() < 0.9 ? random() * 0.05 : random() * 0.3, 8);
  return {
    ...baseStream(random, direction),
    averageAudioDegradation: random() < 0.3 ? null : round(random() * 1.5, 6),
    averageJitter: duration(jitter),
    maxJitter: duration(jitter + Math.floor(random() * 30)),
    averagePacketLossRate: loss,
    maxPacketLossRate: round(loss * 2, 8),
    averageRatioOfConcealedSamples: round(random() * 0.1, 8),
    maxRatioOfConcealedSamples: round(random() * 0.2, 8),
    averageRoundTripTime: duration(roundTrip),
    maxRoundTripTime: duration(roundTrip + Math.floor(random() * 200)),
    packetUtilization: Math.floor(random() * 150_000),
    averageAudioNetworkJitter: duration(Math.floor(random() * 300)),
    maxAudioNetworkJitter: duration(Math.floor(random() * 500)),
    isAudioForwardErrorCorrectionUsed: random() < 0.5,
    audioCodec: pick(random, ['satin', 'silk', 'opus', 'g722']),
  };
}

function videoStream(random: Random, direction: string): Json {
  const frameLossKnown = random() < 0.7;
  return {
    ...baseStream(random, direction),
    averageJitter: duration(Math.floor(random() * 40)),
    maxJitter: duration(Math.floor(random() * 80)),
    averagePacketLossRate: round(random() * 0.05, 8),
    maxPacketLossRate: round(random() * 0.1, 8),
    averageRoundTripTime: duration(10 + Math.floor(random() * 300)),
    maxRoundTripTime: duration(10 + Math.floor(random() * 600)),
    packetUtilization: Math.floor(random() * 400_000),
    rmsFreezeDuration: duration(Math.floor(random() * 2000)),
    averageFreezeDuration: duration(Math.floor(random() * 1000)),
    videoCodec: pick(random, ['h264', 'h264uc', 'av1', 'h265']),
    averageVideoFrameLossPercentage: frameLossKnown ? round(random() * 60, 4) : null,
    averageVideoFrameRate: round(3 + random() * 27, 4),
    averageReceivedFrameRate: round(3 + random() * 27, 4),
    averageVideoPacketLossRate: round(random() * 0.05, 8),
    lowFrameRateRatio: round(random() * 0.3, 4),
    lowVideoProcessingCapabilityRatio: round(random() * 0.1, 4),
    postForwardErrorCorrectionPacketLossRate: round(random() * 0.2, 8),
  };
}

function sharingStream(random: Random, direction: string): Json {
  return {
    ...videoStream(random, direction),
    videoCodec: random() < 0.6 ? 'h264s' : 'rtVideo',
    averageVideoFrameRate: round(random() * 8, 4),
  };
}

/** Milliseconds as Graph writes a duration: `PT0.016S`, `PT1.2S`, `PT0S`. */
function duration(milliseconds: number): string {
  if (milliseconds >= 60_000) return `PT${Math.floor(milliseconds / 60_000)}M${(milliseconds % 60_000) / 1000}S`;
  return `PT${milliseconds / 1000}S`;
}

function user(random: Random): Json {
  return { user: { id: guid(random), displayName: `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)}`, tenantId: TENANT } };
}

function guid(random: Random): string {
  const hex = (length: number) => Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function octet(random: Random): number {
  return Math.floor(random() * 256);
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
