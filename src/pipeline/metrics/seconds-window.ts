// Rows of a per-second gold table over a window of seconds, kept between calls while the snapshot stays the
// same. A page left open asks the overview every second, and with nothing committed its windows (the last
// 15 minutes of connects and of throughput, the last minute of device pairs, the idle window of the
// connected devices) only move on by a second: a call then reads just the seconds the window gained. On a
// new snapshot the caller answers from its own SQL (`rows` returns null), so a live feed, which commits
// between any two calls, costs what it did; the second call on one snapshot reads the window once.
export type SecondRows<R> = ReadonlyMap<number, readonly R[]>

export class SecondsWindow<R> {
  private key: string | null = null
  private held: { from: number; to: number } | null = null
  private bySecond = new Map<number, R[]>()

  /** `read(from, to)`: the table's rows with `from < sec <= to`, each as its second and the row. */
  constructor(
    private readonly snapshotKey: () => string,
    private readonly read: (from: number, to: number) => Iterable<readonly [number, R]>,
  ) {}

  /**
   * The rows with `from < sec <= to`, by second (seconds without rows are absent), or null on the first call
   * of a snapshot. Call it inside the read transaction of the caller's other statements.
   */
  rows(from: number, to: number): SecondRows<R> | null {
    const key = this.snapshotKey()
    if (key !== this.key) {
      this.key = key
      this.held = null
      this.bySecond = new Map()
      return null
    }
    const held = this.held
    if (!held || to <= held.from || from >= held.to) {
      this.bySecond = new Map()
      this.load(from, to)
    } else {
      if (from < held.from) this.load(from, held.from)
      if (to > held.to) this.load(held.to, to)
      for (const sec of this.bySecond.keys()) if (sec <= from || sec > to) this.bySecond.delete(sec)
    }
    this.held = { from, to }
    return this.bySecond
  }

  private load(from: number, to: number): void {
    for (const [sec, row] of this.read(from, to)) {
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
