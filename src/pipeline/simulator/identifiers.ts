// Names of simulated things. Each is a pure function of an index, so ids are unique by construction and
// need no bookkeeping.

export const serverId = (index: number): string => `ap-${String(index + 1).padStart(2, '0')}`

export const clientId = (index: number): string => `client-${String(index + 1).padStart(5, '0')}`

const hex = (byte: number): string => byte.toString(16).padStart(2, '0')

// An odd multiplier is a bijection modulo 2^24: consecutive devices get unrelated-looking but distinct MACs.
const SPREAD = 0x9e3779b1
const MAX_DEVICES = 1 << 24

/**
 * A MAC address: the simulation's vendor prefix (locally administered, so it never names a real vendor)
 * and 24 bits that are a bijection of the index.
 */
export function deviceMac(prefix: readonly [number, number, number], index: number): string {
  if (index >= MAX_DEVICES) throw new RangeError(`at most ${MAX_DEVICES} devices`)
  const low = Math.imul(index, SPREAD) & 0xffffff
  return [prefix[0], prefix[1], prefix[2], low >>> 16, (low >>> 8) & 0xff, low & 0xff].map(hex).join(':')
}

/** A carrier-grade NAT address (100.64.0.0/10, RFC 6598), the range ISPs hand to subscribers. */
export function deviceIp(index: number): string {
  return `100.${64 + ((index >>> 16) & 63)}.${(index >>> 8) & 0xff}.${index & 0xff}`
}
