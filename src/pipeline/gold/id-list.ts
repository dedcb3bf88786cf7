// Silver ids kept in a blob: ascending, each an unsigned LEB128 varint of the id itself (3 to 5 bytes at
// today's ids). Not delta-encoded, so that two lists join by concatenating their bytes (SQL `||`): a fold
// appends the ids it saw to those of a row without reading it.

/** The ids as varints, in the order given. */
export function encodeIds(ids: readonly number[]): Buffer {
  const bytes: number[] = []
  for (const id of ids) {
    if (!(id >= 0 && Number.isSafeInteger(id))) throw new RangeError(`an id list holds whole ids, got ${id}`)
    // Integers up to 2^53, so 7-bit groups by arithmetic (bitwise operators stop at 32 bits).
    let v = id
    while (v >= 128) {
      bytes.push((v % 128) + 128)
      v = Math.floor(v / 128)
    }
    bytes.push(v)
  }
  return Buffer.from(bytes)
}

/** Calls `visit` with each id of a list, in order, until it returns false. */
export function eachId(blob: Uint8Array, visit: (id: number) => boolean): void {
  let at = 0
  while (at < blob.length) {
    let v = 0
    let scale = 1
    for (;;) {
      const b = blob[at++]
      if (b === undefined) throw new Error('an id list is cut short')
      v += (b & 127) * scale
      if (b < 128) break
      scale *= 128
    }
    if (!visit(v)) return
  }
}

export function decodeIds(blob: Uint8Array): number[] {
  const ids: number[] = []
  eachId(blob, (id) => ids.push(id) > 0)
  return ids
}

/** SQL: the list `column` with the list `more` appended; either may be NULL (no ids). */
export const appendIdsSql = (column: string, more: string) =>
  `CASE WHEN ${more} IS NULL THEN ${column} WHEN ${column} IS NULL THEN ${more}
     ELSE CAST(${column} || ${more} AS BLOB) END`
