// Rows of a per-second gold table over a window of seconds, kept between calls while the snapshot stays the
// same. A page left open asks the overview every second, and with nothing committed its windows (the last
// 15 minutes of connects and of throughput, the last minute of device pairs, the idle window of the
// connected devices) only move on by a second: a call then reads just the seconds the window gained. A
// snapshot younger than QUIET_MS is answered by the caller's own SQL (`rows` returns null): a live feed
// commits more often than that, and loading the rows (up to hundreds of milliseconds at a million events)
// would cost more than the calls that could use them before the next commit.

/** How long nothing must have been committed before a window keeps rows. */
export const QUIET_MS = 2000

export type SecondRows<R> = ReadonlyMap<number, readonly R[]>

/** Told of each row as it enters or leaves what is held: for sums kept over the window as it moves. */
export interface WindowListener<R> {
  added(row: R): void
  removed(row: R): void
  /** Everything held was dropped. */
  cleared(): void
}

/**
 * The snapshot a reader that keeps rows between calls last saw, and whether it has gone QUIET_MS without a
 * commit since the reader first saw it.
 */
export class SnapshotAge {
  private key: string | null = null
  /** When this snapshot was first seen (epoch ms). */
  private since = 0

  constructor(private readonly snapshotKey: () => string) {}

  /** Reads the snapshot: true when it is another than the one the last call saw. */
  changed(): boolean {
    const key = this.snapshotKey()
    if (key === this.key) return false
    this.key = key
    this.since = Date.now()
    return true
  }

  /** Whether the snapshot has stayed the same for QUIET_MS. */
  quiet(): boolean {
    return Date.now() - this.since >= QUIET_MS
  }
}

export class SecondsWindow<R> {
  private readonly snapshot: SnapshotAge
  private held: { from: number; to: number } | null = null
  private bySecond = new Map<number, R[]>()

  /** `read(from, to)`: the table's rows with `from < sec <= to`, each as its second and the row. */
  constructor(
    snapshotKey: () => string,
    private readonly read: (from: number, to: number) => Iterable<readonly [number, R]>,
    private readonly listener?: WindowListener<R>,
  ) {
    this.snapshot = new SnapshotAge(snapshotKey)
  }

  /**
   * The rows with `from < sec <= to`, by second (seconds without rows are absent), or null while the
   * snapshot is younger than QUIET_MS. Call it inside the read transaction of the caller's other statements.
   */
  rows(from: number, to: number): SecondRows<R> | null {
    if (this.snapshot.changed()) {
      this.held = null
      this.clear()
      return null
    }
    if (!this.snapshot.quiet()) return null
    const held = this.held
    if (!held || to <= held.from || from >= held.to) {
      this.clear()
      this.load(from, to)
    } else {
      if (from < held.from) this.load(from, held.from)
      if (to > held.to) this.load(held.to, to)
      for (const [sec, rows] of this.bySecond) {
        if (sec > from && sec <= to) continue
        this.bySecond.delete(sec)
        if (this.listener) for (const row of rows) this.listener.removed(row)
      }
    }
    this.held = { from, to }
    return this.bySecond
  }

  private clear(): void {
    this.bySecond = new Map()
    this.listener?.cleared()
  }

  private load(from: number, to: number): void {
    for (const [sec, row] of this.read(from, to)) {
      this.listener?.added(row)
      const rows = this.bySecond.get(sec)
      if (rows) rows.push(row)
      else this.bySecond.set(sec, [row])
    }
  }
}

/** Calls `visit` with each row of the seconds `from < sec <= to`. */
export function eachRow<R>(
  rows: SecondRows<R>,
  from: number,
  to: number,
  visit: (row: R, sec: number) => void,
): void {
  for (const [sec, ofSecond] of rows) if (sec > from && sec <= to) for (const row of ofSecond) visit(row, sec)
}
