import { describe, expect, it } from 'vitest'
import { DueQueue } from './due-queue'
import { Pacer } from './pacer'

describe('the pacer', () => {
  it('spaces frames by their share of the target rate', () => {
    let now = 0
    const pacer = new Pacer(1_000, () => now)
    expect(pacer.delay()).toBe(0)
    pacer.sent(100)
    expect(pacer.delay()).toBe(100)
    now = 100
    pacer.sent(100)
    expect(pacer.delay()).toBe(100)
  })

  it('catches up after a stall by at most one second of events', () => {
    let now = 0
    const pacer = new Pacer(1_000, () => now)
    pacer.sent(100)
    now = 60_000
    let burst = 0
    while (pacer.delay() === 0) {
      pacer.sent(100)
      burst += 100
    }
    // The frame due now, plus one second's worth of catching up.
    expect(burst).toBe(1_100)
  })
})

describe('the due queue', () => {
  it('pops devices by due time, ties by lower index', () => {
    const queue = new DueQueue(5)
    for (const [device, due] of [
      [3, 50],
      [0, 20],
      [4, 20],
      [1, 90],
      [2, 10],
    ] as const)
      queue.push(device, due)
    const order: number[] = []
    while (queue.length > 0) order.push(queue.pop())
    expect(order).toEqual([2, 0, 4, 3, 1])
    expect(queue.peekDue()).toBe(Infinity)
  })
})
