import { describe, expect, it } from 'vitest'
import { OK, step, type HysteresisRule, type Phase, type Transition } from './hysteresis'

const MIN = 60_000
const rule: HysteresisRule = { raiseAt: 0.85, clearBelow: 0.75, forMs: 5 * MIN, clearForMs: 5 * MIN }

/** Runs one sample a minute and returns the transitions with their minute. */
function run(values: number[]): [number, Transition][] {
  let phase: Phase = OK
  const out: [number, Transition][] = []
  values.forEach((v, minute) => {
    const { next, transition } = step(rule, phase, v, minute * MIN)
    phase = next
    if (transition) out.push([minute, transition])
  })
  return out
}

describe('an alert with pending time and hysteresis', () => {
  it('goes pending at the first high sample and fires only after 5 minutes above', () => {
    expect(run([0.5, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9])).toEqual([
      [1, 'pending'],
      [6, 'firing'],
    ])
  })

  it('never fires before its duration: a 4-minute burst is cancelled', () => {
    expect(run([0.9, 0.9, 0.9, 0.9, 0.5, 0.5])).toEqual([
      [0, 'pending'],
      [4, 'cancelled'],
    ])
  })

  it('gives one alert for a signal flapping around the raise level', () => {
    const flapping = [
      0.9,
      0.9,
      0.9,
      0.9,
      0.9,
      0.9,
      ...Array.from({ length: 30 }, (_, i) => (i % 2 ? 0.86 : 0.8)),
    ]
    expect(run(flapping).filter(([, t]) => t === 'firing')).toHaveLength(1)
    expect(run(flapping).filter(([, t]) => t === 'resolved')).toHaveLength(0)
  })

  it('resolves only after 5 minutes below 75 %, not when it dips between 75 and 85 %', () => {
    const values = [...Array(6).fill(0.9), 0.8, 0.8, 0.7, 0.7, 0.7, 0.8, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]
    expect(run(values)).toEqual([
      [0, 'pending'],
      [5, 'firing'],
      [17, 'resolved'],
    ])
  })
})
