import { asString, type JsonObject } from '../quality';
import type { ConnectionType } from './call-history';

/** Graph's `wifiBand` values, named as CQD's "Connection Type" splits Wi-Fi (`frequency50GHz` is 5.0 GHz, so `frequency60GHz` is 6.0 GHz). */
const WIFI_BANDS: Readonly<Record<string, ConnectionType>> = {
  frequency24GHz: 'wifi-2.4GHz',
  frequency50GHz: 'wifi-5GHz',
  frequency60GHz: 'wifi-6GHz',
};

/**
 * How an endpoint was connected, from the media's `networkInfo`: `connectionType`, with the Wi-Fi
 * band when Graph gives one. What Graph leaves out or does not know (`unknown`,
 * `unknownFutureValue`, a value added later) is `unknown`.
 */
export function connectionTypeOf(network: JsonObject | undefined): ConnectionType {
  switch (asString(network?.connectionType)) {
    case 'wired':
      return 'wired';
    case 'wifi':
      return WIFI_BANDS[asString(network?.wifiBand) ?? ''] ?? 'wifi';
    case 'mobile':
      return 'mobile';
    case 'tunnel':
      return 'tunnel';
    default:
      return 'unknown';
  }
}
