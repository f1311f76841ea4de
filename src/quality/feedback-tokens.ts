/** Plain words for the feedback tokens Teams is known to send; others are spelled out from their names. */
const TOKEN_WORDS: Readonly<Record<string, string>> = {
  NoSound: 'could not hear any sound',
  OtherNoSound: 'others could not hear them',
  Echo: 'echo',
  Noisy: 'background noise',
  LowVolume: 'volume too low',
  Stopped: 'the call stopped unexpectedly',
  DistortedSound: 'distorted sound',
  Interruptions: 'interruptions',
  FrozenVideo: 'frozen video',
  NoVideo: 'no video',
  PoorVideoQuality: 'poor video quality',
  PoorColor: 'poor colour',
  OtherNoVideo: 'others could not see their video',
  ScreenSharingNoScreen: 'shared screen not visible',
  ScreenSharingFrozen: 'shared screen froze',
  ScreenSharingBlurry: 'shared screen blurry',
};

/** A feedback token in words people read: `Noisy` → "background noise", `SomethingNew` → "something new". */
export function feedbackTokenWords(token: string): string {
  const known = TOKEN_WORDS[token];
  if (known) return known;
  return token
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
}
