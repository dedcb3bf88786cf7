// One alert's condition over time, in event time: it must hold for `forMs` before the alert fires (pending
// first), and once firing it resolves only after the value stayed below the lower `clearBelow` for
// `clearForMs`. A value flapping around the raise level therefore gives one alert, not one per crossing.

export interface HysteresisRule {
  raiseAt: number
  clearBelow: number
  forMs: number
  clearForMs: number
}

export type Phase =
  | { phase: 'ok' }
  | { phase: 'pending'; since: number }
  | { phase: 'firing'; since: number; firedAt: number }
  | { phase: 'clearing'; since: number; firedAt: number; clearingSince: number }

export type Transition = 'pending' | 'firing' | 'cancelled' | 'resolved' | null

export const OK: Phase = { phase: 'ok' }

/** The next phase after observing `value` at time `t` (samples in time order), and what changed. */
export function step(
  rule: HysteresisRule,
  current: Phase,
  value: number,
  t: number,
): { next: Phase; transition: Transition } {
  const high = value >= rule.raiseAt
  switch (current.phase) {
    case 'ok':
      if (!high) return { next: current, transition: null }
      if (rule.forMs <= 0) return { next: { phase: 'firing', since: t, firedAt: t }, transition: 'firing' }
      return { next: { phase: 'pending', since: t }, transition: 'pending' }
    case 'pending':
      if (!high) return { next: OK, transition: 'cancelled' }
      if (t - current.since >= rule.forMs) {
        return { next: { phase: 'firing', since: current.since, firedAt: t }, transition: 'firing' }
      }
      return { next: current, transition: null }
    case 'firing':
      if (value >= rule.clearBelow) return { next: current, transition: null }
      if (rule.clearForMs <= 0) return { next: OK, transition: 'resolved' }
      return { next: { ...current, phase: 'clearing', clearingSince: t }, transition: null }
    case 'clearing':
      if (value >= rule.clearBelow) {
        return { next: { phase: 'firing', since: current.since, firedAt: current.firedAt }, transition: null }
      }
      if (t - current.clearingSince >= rule.clearForMs) return { next: OK, transition: 'resolved' }
      return { next: current, transition: null }
  }
}
