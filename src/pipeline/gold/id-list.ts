// Silver ids kept in a blob: ascending, each an unsigned LEB128 varint of the id itself (3 to 5 bytes at
// today's ids). Not delta-encoded, so that two lists join by concatenating their bytes (SQL `||`): a fold
// appends the ids it saw to those of a row without reading it.
import { VarintReader, writeVarint } from '../db/varint'

/** The ids as varints, in the order given. */
export function encodeIds(ids: readonly number[]): Buffer {
  const bytes: number[] = []
  let at = 0
  for (const id of ids) {
    if (!(id >= 0 && Number.isSafeInteger(id))) throw new RangeError(`an id list holds whole ids, got ${id}`)
    at = writeVarint(bytes, at, id)
  }
  return Buffer.from(bytes)
}

/** Calls `visit` with each id of a list, in order, until it returns false. */
export function eachId(blob: Uint8Array, visit: (id: number) => boolean): void {
  const reader = new VarintReader(blob, 'an id list')
  while (!reader.done) if (!visit(reader.next())) return
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
