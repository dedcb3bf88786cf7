// What the engine's thread and gold's thread share beside their messages (gold-thread.ts, gold-worker.ts):
// gold's watermark and its state, so that the engine can wait for gold with Atomics.wait, without an event
// loop turn.
const SEQ = 0
const PAUSED = 1
const FAILED = 2
const INTS = 4

export class GoldShared {
  readonly buffer: SharedArrayBuffer
  private readonly ints: Int32Array
  private readonly ids: BigInt64Array

  constructor(buffer = new SharedArrayBuffer(INTS * 4 + 8)) {
    this.buffer = buffer
    this.ints = new Int32Array(buffer, 0, INTS)
    this.ids = new BigInt64Array(buffer, INTS * 4, 1)
  }

  watermark(): number {
    return Number(Atomics.load(this.ids, 0))
  }

  paused(): boolean {
    return Atomics.load(this.ints, PAUSED) === 1
  }

  failed(): boolean {
    return Atomics.load(this.ints, FAILED) === 1
  }

  /** Gold's side: publishes its state and wakes the engine if it waits. */
  publish(state: { watermark?: number; paused?: boolean; failed?: boolean }): void {
    if (state.watermark !== undefined) Atomics.store(this.ids, 0, BigInt(state.watermark))
    if (state.paused !== undefined) Atomics.store(this.ints, PAUSED, state.paused ? 1 : 0)
    if (state.failed !== undefined) Atomics.store(this.ints, FAILED, state.failed ? 1 : 0)
    Atomics.add(this.ints, SEQ, 1)
    Atomics.notify(this.ints, SEQ)
  }

  /**
   * The engine's side: blocks until `done()` holds, waking at each publish; throws `stalled()` once `stallMs`
   * pass without one.
   */
  waitUntil(done: () => boolean, stallMs: number, stalled: () => Error): void {
    let seen = Atomics.load(this.ints, SEQ)
    let deadline = Date.now() + stallMs
    for (;;) {
      const seq = Atomics.load(this.ints, SEQ)
      if (seq !== seen) {
        seen = seq
        deadline = Date.now() + stallMs
      }
      if (done()) return
      const left = deadline - Date.now()
      if (left <= 0) throw stalled()
      Atomics.wait(this.ints, SEQ, seq, Math.min(left, 1000))
    }
  }
}
