// The demo feed: the simulator run in-process, so a first start shows live traffic before any device app
// is connected. Its events go through the same engine path as real ones, from the source 'demo'.
import type { FrameResult, IncomingFrame } from '../pipeline/engine'
import { createSimulation, recordToLine } from '../pipeline/simulator'
import type { Simulation } from '../pipeline/simulator/simulation'

export interface DemoStatus {
  running: boolean
  since: number | null
  events: number
  rate: number
  servers: number
  devices: number
}

export interface DemoOptions {
  rate: number
  servers: number
  devices: number
}

/** Modest by default: enough to fill every chart, little enough to leave the machine idle. */
export const DEMO_DEFAULTS: DemoOptions = { rate: 400, servers: 8, devices: 3000 }

const TICK_MS = 250
/**
 * The demo starts with this much traffic dated in the past, sent at once: live views read usage a minute
 * behind now (docs/metrics.md, "Usage settles for a minute"), so a first run shows throughput at once.
 */
export const DEMO_BACKFILL_MS = 90_000
const EVENTS_PER_FRAME = 250

export class DemoFeed {
  private timer: NodeJS.Timeout | null = null
  private simulation: Simulation | null = null
  private since: number | null = null
  private lastTick = 0
  private events = 0
  /** Events of the backfill still to send, with the first tick. */
  private backfill = 0
  private inFlight: Promise<unknown> | null = null

  constructor(
    private readonly target: { ingestFrames(frames: IncomingFrame[]): Promise<FrameResult[]> },
    private readonly options: DemoOptions = DEMO_DEFAULTS,
  ) {}

  start(): void {
    if (this.timer) return
    const now = Date.now()
    const simulation = createSimulation({
      seed: now % 1_000_000,
      servers: this.options.servers,
      devices: this.options.devices,
      rate: this.options.rate,
      badShare: 0.002,
      start: now - DEMO_BACKFILL_MS,
      // Simulated time while it is behind the clock (the backfill), then the clock: never a future ts.
      clock: () => Math.min(simulation.now, Date.now()),
      idPrefix: `demo-${now.toString(36)}-`,
    })
    this.simulation = simulation
    this.backfill = Math.round((DEMO_BACKFILL_MS / 1000) * this.options.rate)
    this.since = now
    this.lastTick = now
    this.timer = setInterval(() => this.tick(), TICK_MS)
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.since = null
    await this.inFlight
  }

  status(): DemoStatus {
    return {
      running: this.timer !== null,
      since: this.since,
      events: this.events,
      rate: this.options.rate,
      servers: this.options.servers,
      devices: this.options.devices,
    }
  }

  private tick(): void {
    // One batch at a time: a slow engine slows the demo down rather than queueing without limit.
    if (this.inFlight || !this.simulation) return
    const now = Date.now()
    const seconds = Math.min((now - this.lastTick) / 1000, 2)
    const count = Math.round(seconds * this.options.rate) + this.backfill
    if (count === 0) return
    this.backfill = 0
    this.lastTick = now
    const lines = this.simulation.take(count).map(recordToLine)
    const frames: IncomingFrame[] = []
    for (let i = 0; i < lines.length; i += EVENTS_PER_FRAME) {
      const bytes = Buffer.from(lines.slice(i, i + EVENTS_PER_FRAME).join('\n'))
      frames.push({ source: 'demo', seq: null, receivedAt: now, bytes })
    }
    this.events += lines.length
    this.inFlight = this.target
      .ingestFrames(frames)
      .catch(() => undefined)
      .finally(() => (this.inFlight = null))
  }
}
