import ipaddr from 'ipaddr.js';

/** An IP address as a number, with its family's width, so ranges are masked with integer arithmetic. */
export interface NumericAddress {
  family: 'ipv4' | 'ipv6';
  /** 32 or 128. */
  bits: number;
  value: bigint;
}

/** The number of bits of each family's addresses. */
export const FAMILY_BITS = { ipv4: 32, ipv6: 128 } as const;

/**
 * Reads an address as the building file and Graph write it: dotted-decimal IPv4 (no shorthand such
 * as `10.1` or hex, which ipaddr.js would otherwise accept) or IPv6 without a zone. An IPv4-mapped
 * IPv6 address (`::ffff:10.1.2.3`) is read as the IPv4 address it carries when `unmap` is set, as an
 * endpoint on a dual-stack socket reports it. Null when the text is not an address.
 */
export function parseAddress(text: string, unmap = false): NumericAddress | null {
  // parse() throws on what is not an address; isValid() would parse twice, and this runs for every endpoint.
  try {
    if (!text.includes(':')) {
      const address = ipaddr.IPv4.parse(text);
      // ipaddr.js also reads `10.1`, hex and octal; only the dotted decimal it would write itself is an address here.
      return address.toString() === text ? numeric('ipv4', address.octets) : null;
    }
    const address = ipaddr.IPv6.parse(text);
    if (address.zoneId !== undefined) return null;
    if (unmap && address.isIPv4MappedAddress()) return numeric('ipv4', address.toIPv4Address().octets);
    return numeric('ipv6', address.toByteArray());
  } catch {
    return null;
  }
}

/** The network address of `address` for a prefix length: the host bits cleared. */
export function networkOf(address: NumericAddress, prefixLength: number): bigint {
  return address.value & prefixMask(address.bits, prefixLength);
}

/** The mask of a prefix length: its `prefixLength` high bits set, of `bits` in all. */
export function prefixMask(bits: number, prefixLength: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - prefixLength)) - 1n);
}

/** The address in its usual text: dotted decimal, or RFC 5952's compressed IPv6. */
export function formatAddress(family: NumericAddress['family'], value: bigint): string {
  const bytes: number[] = [];
  for (let shift = FAMILY_BITS[family] - 8; shift >= 0; shift -= 8) bytes.push(Number((value >> BigInt(shift)) & 0xffn));
  const address = ipaddr.fromByteArray(bytes);
  return address.kind() === 'ipv6' ? (address as ipaddr.IPv6).toRFC5952String() : address.toString();
}

function numeric(family: NumericAddress['family'], bytes: readonly number[]): NumericAddress {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return { family, bits: FAMILY_BITS[family], value };
}
