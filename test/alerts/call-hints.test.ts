import assert from 'node:assert/strict';
import { HINT_KIND_ORDER, HINT_THRESHOLDS, summarizeCall, type CallHint } from '../../src/alerts';

/** A one-session record whose caller (Ann) has the given network and device properties. */
function hintsFor(network: Record<string, unknown>, device: Record<string, unknown> = {}): CallHint[] {
  return summarizeCall({
    id: 'call',
    sessions: [
      {
        id: 's',
        segments: [
          {
            id: 'g',
            caller: { identity: { user: { id: 'a', displayName: 'Ann' } } },
            callee: { identity: { user: { id: 'b', displayName: 'Ben' } } },
            media: [{ label: 'main-audio', callerNetwork: network, callerDevice: device, streams: [] }],
          },
        ],
      },
    ],
  }).hints;
}

const kinds = (hints: CallHint[]) => hints.map((hint) => hint.kind);

describe('call hints', () => {
  it('Wi-Fi, with band and signal when given', () => {
    const [hint] = hintsFor({ connectionType: 'wifi', wifiBand: 'frequency24GHz', wifiSignalStrength: 35 });
    assert.deepEqual(hint && { kind: hint.kind, who: hint.who }, { kind: 'wifi', who: 'Ann' });
    assert.match(hint!.text, /Ann was on Wi-Fi \(2\.4 GHz, signal 35 %\)/);
  });
  it('Wi-Fi 6 GHz: Graph writes 6.0 GHz as frequency60GHz, as it writes 5.0 GHz as frequency50GHz', () => {
    assert.match(hintsFor({ connectionType: 'wifi', wifiBand: 'frequency60GHz' })[0]!.text, /Ann was on Wi-Fi \(6 GHz\)/);
    assert.match(hintsFor({ connectionType: 'wifi', wifiBand: 'frequency50GHz' })[0]!.text, /Ann was on Wi-Fi \(5 GHz\)/);
  });
  it('a VPN tunnel, mobile data, and nothing for a wired connection', () => {
    assert.deepEqual(kinds(hintsFor({ connectionType: 'tunnel' })), ['vpn']);
    assert.deepEqual(kinds(hintsFor({ connectionType: 'mobile' })), ['mobile']);
    assert.deepEqual(kinds(hintsFor({ connectionType: 'wired' })), []);
    assert.deepEqual(kinds(hintsFor({ connectionType: 'unknownFutureValue' })), []);
  });
  it('a relay when relayIPAddress is set, not when it is null or empty', () => {
    assert.deepEqual(kinds(hintsFor({ relayIPAddress: '52.114.188.32' })), ['relay']);
    assert.deepEqual(kinds(hintsFor({ relayIPAddress: null })), []);
    assert.deepEqual(kinds(hintsFor({ relayIPAddress: '' })), []);
  });
  it(`glitch rates: more than ${HINT_THRESHOLDS.glitchesPerFiveMinutes} per five minutes`, () => {
    assert.deepEqual(kinds(hintsFor({}, { micGlitchRate: 10, speakerGlitchRate: 10 })), []);
    const [hint] = hintsFor({}, { micGlitchRate: 11, speakerGlitchRate: 3 });
    assert.equal(hint?.kind, 'glitches');
    assert.match(hint!.text, /microphone 11 glitches per 5 minutes/);
    assert.doesNotMatch(hint!.text, /speaker 3/);
  });
  it('a muted or zero-volume speaker from the first event, not at 0', () => {
    assert.deepEqual(kinds(hintsFor({}, { renderMuteEventRatio: 0, renderZeroVolumeEventRatio: 0 })), []);
    const hints = hintsFor({}, { renderMuteEventRatio: 0.004, renderZeroVolumeEventRatio: 0.5, renderDeviceName: 'Headset (Jabra)' });
    assert.deepEqual(kinds(hints), ['muted-device', 'zero-volume']);
    assert.match(hints[0]!.text, /Ann’s speaker \(Headset \(Jabra\)\) was muted for under 1 % of the call/);
    assert.match(hints[1]!.text, /volume was set to zero for 50 % of the call/);
  });
  it(`network and CPU event ratios: more than ${HINT_THRESHOLDS.eventRatio} of the call`, () => {
    const quiet = { sentQualityEventRatio: 0.1, receivedQualityEventRatio: 0.1, bandwidthLowEventRatio: 0.1, delayEventRatio: 0.1 };
    assert.deepEqual(kinds(hintsFor(quiet, { cpuInsufficentEventRatio: 0.1 })), []);
    const loud = { sentQualityEventRatio: 0.11, receivedQualityEventRatio: 0.3, bandwidthLowEventRatio: 0.2, delayEventRatio: 0.5 };
    const hints = hintsFor(loud, { cpuInsufficentEventRatio: 0.2 });
    assert.deepEqual(kinds(hints), ['network-quality', 'low-bandwidth', 'network-delay', 'cpu']);
    assert.equal(hints[0]!.text, 'Ann’s network degraded the audio they sent for 11 % and the audio they received for 30 % of the call.');
  });
  it('a device that was not working, howling, noise and clipping', () => {
    const hints = hintsFor({}, { captureNotFunctioningEventRatio: 0.3, howlingEventCount: 2, lowSpeechToNoiseEventRatio: 0.4, deviceClippingEventRatio: 0.2 });
    assert.deepEqual(kinds(hints), ['device-failure', 'howling', 'noise', 'clipping']);
    assert.equal(hints[0]!.text, 'Ann’s microphone was not working for 30 % of the call.');
    assert.match(hints[1]!.text, /2 times/);
  });
  it('a microphone and a speaker that were both not working make one hint', () => {
    const hints = hintsFor({}, { captureNotFunctioningEventRatio: 0.3, renderNotFunctioningEventRatio: 0.05, renderDeviceName: 'Speakers (USB)' });
    assert.deepEqual(kinds(hints), ['device-failure']);
    assert.equal(hints[0]!.text, 'Ann’s microphone and speaker (Speakers (USB)) were not working (microphone 30 %, speaker 5 % of the call).');
  });
  it('names "Someone" when the endpoint has no identity', () => {
    const hints = summarizeCall({ sessions: [{ segments: [{ media: [{ callerNetwork: { connectionType: 'wifi' } }] }] }] }).hints;
    assert.equal(hints[0]?.who, null);
    assert.match(hints[0]!.text, /^Someone was on Wi-Fi/);
  });
  it('keeps one hint per kind and person, the worst of them', () => {
    const segment = (id: string, ratio: number) => ({
      id,
      caller: { identity: { user: { id: 'a', displayName: 'Ann' } } },
      media: [{ callerDevice: { renderMuteEventRatio: ratio } }],
    });
    const hints = summarizeCall({ sessions: [{ id: 's', segments: [segment('1', 0.2), segment('2', 0.9), segment('3', 0.5)] }] }).hints;
    assert.equal(hints.length, 1);
    assert.match(hints[0]!.text, /90 %/);
  });
  it('orders hints by kind, most direct cause first', () => {
    const hints = hintsFor({ connectionType: 'wifi', relayIPAddress: '1.2.3.4', bandwidthLowEventRatio: 0.5 }, { renderMuteEventRatio: 1, micGlitchRate: 99 });
    const order = kinds(hints).map((kind) => HINT_KIND_ORDER.indexOf(kind));
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
    assert.equal(hints[0]!.kind, 'muted-device');
    assert.equal(hints[hints.length - 1]!.kind, 'relay');
  });
  it('reads both sides of a segment: the callee’s network is the callee’s', () => {
    const hints = summarizeCall({
      sessions: [
        {
          segments: [
            {
              caller: { identity: { user: { id: 'a', displayName: 'Ann' } } },
              callee: { identity: { user: { id: 'b', displayName: 'Ben' } } },
              media: [{ calleeNetwork: { connectionType: 'wifi' }, calleeDevice: { speakerGlitchRate: 50 } }],
            },
          ],
        },
      ],
    }).hints;
    assert.deepEqual(
      hints.map((hint) => [hint.kind, hint.who]),
      [
        ['wifi', 'Ben'],
        ['glitches', 'Ben'],
      ],
    );
  });
});
