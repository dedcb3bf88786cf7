// Unsigned LEB128 varints, the encoding of the blobs gold keeps (a minute's usage parts, a list of silver
// ids): seven bits a byte, the lowest first, the high bit set on every byte but the last. Whole numbers up
// to 2^53, by arithmetic (bitwise operators stop at 32 bits).

/** Writes `v` as a varint into `out` from `at`; returns the offset after it. */
export function writeVarint(out: Uint8Array | number[], at: number, v: number): number {
  // Below 2^31 by bit operators, several times faster than the arithmetic that larger numbers need.
  while (v >= 0x80000000) {
    out[at++] = (v % 128) + 128
    v = Math.floor(v / 128)
  }
  while (v >= 128) {
    out[at++] = (v & 127) | 128
    v >>>= 7
  }
  out[at++] = v
  return at
}

/** Reads varints one after another; `what` names the blob in the error when it is cut short. */
export class VarintReader {
  at = 0

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
  ) {}

  get done(): boolean {
    return this.at >= this.bytes.length
  }

  next(): number {
    let v = 0
    let scale = 1
    for (;;) {
      const b = this.bytes[this.at++]
      if (b === undefined) throw new Error(`${this.what} cut short`)
      v += (b & 127) * scale
      if (b < 128) return v
      scale *= 128
    }
  }
}
