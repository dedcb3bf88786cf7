// A sum per key over the seconds (N - W, N], N the newest second in gold, moved batch by batch: the seconds
// that leave the window are taken away (as the window counted them), the batch's seconds inside it added.
// The pair window's (the client window moves in LiveState.begin, its tail read from memory: window-tail.ts).
import type { Statement } from 'better-sqlite3'

/** Bytes of one key, as a batch sums them; a key is one or two ids. */
export interface KeyedBytes {
  key: readonly string[]
  bytes: number
}

/** A batch's bytes per key in the seconds after `after` (a key may come more than once: summed). */
export type AddedAfter = (after: number) => Iterable<KeyedBytes>

/** How much each key's sum moves, by the key's parts joined with NUL. */
export type Moves = Map<string, { key: readonly string[]; bytes: number }>

/**
 * Whether a window of `seconds` moves from `anchor` (null when gold was empty) to `newest` by taking seconds
 * away and adding the batch's; otherwise it moved by its whole length or more, and is counted again.
 */
export const windowMoves = (anchor: number | null, newest: number, seconds: number): anchor is number =>
  anchor !== null && newest - anchor < seconds

export interface SlidingSumSpec {
  /** The window's length W, in seconds. */
  seconds: number
  /** The stored bytes per key of the seconds `from < sec <= to`, as rows of [...key, bytes]. */
  stored: Statement<[number, number], unknown[]>
}

export class SlidingSum {
  constructor(private readonly spec: SlidingSumSpec) {}

  /**
   * How the window moves from `anchor` (null when gold was empty) to `newest` for a batch that adds, inside
   * the new window, what `added` gives after its start: read before the batch's seconds are stored. Null
   * when the window moved by its whole length or more: it is counted again instead.
   */
  moves(anchor: number | null, newest: number, added: AddedAfter): Moves | null {
    const { seconds, stored } = this.spec
    if (!windowMoves(anchor, newest, seconds)) return null
    const moves: Moves = new Map()
    const add = (key: readonly string[], bytes: number) => {
      const k = key.join('\u0000')
      const entry = moves.get(k)
      if (entry) entry.bytes += bytes
      else moves.set(k, { key, bytes })
    }
    if (newest > anchor)
      for (const row of stored.raw().iterate(anchor - seconds, newest - seconds)) {
        const values = row as unknown[]
        add(values.slice(0, -1) as string[], -(values.at(-1) as number))
      }
    for (const r of added(newest - seconds)) add(r.key, r.bytes)
    return moves
  }
}
