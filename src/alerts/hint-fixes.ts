import type { CallHintKind } from './call-hints';
import type { ParticipantSide } from './participant-side';

/** For each cause a hint names, the one thing the person can do about it, in plain language. */
export const HINT_FIXES: Readonly<Record<CallHintKind, string>> = {
  'device-failure': 'Check that your microphone and speaker are plugged in and chosen in Teams (Settings > Devices); a headset made for Teams is the most reliable.',
  'muted-device': 'Unmute your speaker before a call; Teams’ Settings > Devices has a test call to check that you can hear.',
  'zero-volume': 'Turn your speaker volume up before a call; Teams’ Settings > Devices has a test call to check that you can hear.',
  'network-quality': 'Use a network cable for calls if you can; if not, sit close to the Wi-Fi access point and pause big downloads or uploads while you talk.',
  'low-bandwidth': 'Pause uploads, downloads and streaming during calls, or turn off incoming video, so the call has the bandwidth it needs.',
  'network-delay': 'Use a network cable for calls if you can, and avoid joining through a VPN or a hotel or guest network.',
  wifi: 'Plug in a network cable for calls if you can; if not, sit close to the Wi-Fi access point and use its 5 GHz network.',
  vpn: 'Ask IT to let Teams calls bypass the VPN (split tunnelling), or disconnect the VPN for calls if your company allows it.',
  mobile: 'Join calls from Wi-Fi or a network cable when you can: mobile data changes too much for steady audio and video.',
  glitches: 'Close the apps you do not need during calls and update your audio device’s driver (or try another headset).',
  cpu: 'Close the apps and browser tabs you do not need during calls: your computer ran short of processing power.',
  howling: 'Use a headset, or keep your microphone away from your speakers.',
  noise: 'Use a headset with a microphone close to your mouth, or turn on noise suppression in Teams’ settings.',
  clipping: 'Lower your microphone level in Teams’ Settings > Devices, or move the microphone a little further from your mouth.',
  relay: 'Ask IT to open the ports Teams uses for media (UDP 3478 to 3481) on your network, so calls take the direct path.',
};

/** The fix when a poor stream was on someone's side but nothing points at a cause. */
const NETWORK_FIX = 'Use a network cable for calls if you can, and pause big downloads or uploads while you talk.';

/** What a participant is told when nothing on their side points at the trouble they rated. */
const NOTHING_ON_YOUR_SIDE = 'Nothing on your side points at a cause, so the trouble was most likely elsewhere in the call; if it happens again, tell IT when, so they can look at the whole call.';

/**
 * The one fix a participant's card offers: the fix for the most direct cause their own side shows
 * (hints come most direct first); a network fix when they had poor streams but no cause shows; and
 * when neither (they only rated the call), that nothing on their side explains it.
 */
export function oneFixFor(side: Pick<ParticipantSide, 'hints' | 'poorStreams'>): string {
  const [first] = side.hints;
  if (first) return HINT_FIXES[first.kind];
  return side.poorStreams.length > 0 ? NETWORK_FIX : NOTHING_ON_YOUR_SIDE;
}
