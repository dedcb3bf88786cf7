// Holds a sender to a target rate of events per second. After a stall (reconnect, engine backpressure) it
// catches up by at most MAX_CATCH_UP_MS worth of events, so a long outage does not end in a flood.

const MAX_CATCH_UP_MS = 1_000

export class Pacer {
  private nextAt: number

  constructor(
    private readonly eventsPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(eventsPerSecond > 0)) throw new RangeError(`rate must be positive, got ${eventsPerSecond}`)
    this.nextAt = now()
  }

  /** Milliseconds to wait before the next frame may go. */
  delay(): number {
    return Math.max(0, this.nextAt - this.now())
  }

  /** Books `events` just sent: the frame after them waits for their share of the second. */
  sent(events: number): void {
    this.nextAt = Math.max(this.nextAt, this.now() - MAX_CATCH_UP_MS) + (events * 1000) / this.eventsPerSecond
  }
}
