// Sliding-window meters of the engine's load, for the operator: past its capacity the engine is busy all the
// time and device apps wait longer and longer for their acks, so the dashboards fall behind the network
// (docs/benchmarks.md measures that capacity). Times are passed in, so the meters are plain arithmetic.

/** The window the meters look back over. */
export const LOAD_WINDOW_MS = 10_000

/**
 * The share of the window during which at least one call was outstanding. Calls overlap (the endpoint's
 * flushes, an import, the demo feed), so a busy interval is recorded only when the last one ends: one
 * interval per stretch of work, not one per call.
 */
export class BusyMeter {
  private outstanding = 0
  private openedAt = 0
  /** Closed busy intervals, oldest first, none overlapping. */
  private readonly intervals: [start: number, end: number][] = []

  constructor(private readonly windowMs = LOAD_WINDOW_MS) {}

  begin(now: number): void {
    if (this.outstanding++ === 0) this.openedAt = now
  }

  end(now: number): void {
    if (--this.outstanding > 0) return
    this.intervals.push([this.openedAt, now])
    while (this.intervals.length > 0 && this.intervals[0]![1] <= now - this.windowMs) this.intervals.shift()
  }

  /** From 0 (idle) to 1 (busy the whole window). */
  share(now: number): number {
    const from = now - this.windowMs
    let busy = this.outstanding > 0 ? now - Math.max(this.openedAt, from) : 0
    for (const [start, end] of this.intervals) busy += Math.max(0, Math.min(end, now) - Math.max(start, from))
    return Math.min(1, busy / this.windowMs)
  }
}

/** The largest value noted within the window (null when none was): how long frames waited for their ack. */
export class RecentMax {
  /** [when, value], oldest first. */
  private readonly samples: [at: number, value: number][] = []

  constructor(private readonly windowMs = LOAD_WINDOW_MS) {}

  note(now: number, value: number): void {
    this.samples.push([now, value])
    while (this.samples.length > 0 && this.samples[0]![0] <= now - this.windowMs) this.samples.shift()
  }

  max(now: number): number | null {
    let max: number | null = null
    for (const [at, value] of this.samples)
      if (at > now - this.windowMs && (max === null || value > max)) max = value
    return max
  }
}
