// A sum per key over the seconds (N - W, N], N the newest second in gold, moved batch by batch: the seconds
// that leave the window are taken away (as the window counted them), the batch's seconds inside it added.
import type { Statement } from 'better-sqlite3'

/** Bytes of one key in one second, as a batch sums them; a key is one or two ids. */
export interface KeyedSecond {
  sec: number
  key: readonly string[]
  bytes: number
}

export interface SlidingSumSpec {
  /** The window's length W, in seconds. */
  seconds: number
  /** The stored bytes per key of the seconds `from < sec <= to`, as rows of [...key, bytes]. */
  stored: Statement<[number, number], unknown[]>
  /** Moves one key's sum by `bytes`. */
  move: (key: readonly string[], bytes: number) => void
  /** Counts every sum again from the stored seconds, with the new N already recorded. */
  refill: () => void
}

export class SlidingSum {
  constructor(private readonly spec: SlidingSumSpec) {}

  /**
   * Moves the window from `anchor` (null when gold was empty) to `newest` for a batch that adds `added`. Call
   * it before the batch's seconds are stored, and the function it returns once they are and N is recorded;
   * a window that moved by its whole length is counted again instead.
   */
  begin(anchor: number | null, newest: number, added: readonly KeyedSecond[]): () => void {
    const { seconds, stored, move, refill } = this.spec
    if (anchor === null || newest - anchor >= seconds) return refill
    const delta = new Map<string, { key: readonly string[]; bytes: number }>()
    const add = (key: readonly string[], bytes: number) => {
      const k = key.join('\u0000')
      const entry = delta.get(k)
      if (entry) entry.bytes += bytes
      else delta.set(k, { key, bytes })
    }
    if (newest > anchor)
      for (const row of stored.raw().iterate(anchor - seconds, newest - seconds)) {
        const values = row as unknown[]
        add(values.slice(0, -1) as string[], -(values.at(-1) as number))
      }
    for (const r of added) if (r.sec > newest - seconds) add(r.key, r.bytes)
    return () => {
      for (const { key, bytes } of delta.values()) if (bytes !== 0) move(key, bytes)
    }
  }
}
