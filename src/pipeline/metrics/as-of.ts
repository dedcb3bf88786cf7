import { assertWholeSecond } from '../../shared/instant'

/** Metrics are evaluated at a whole second T, refused otherwise (never rounded), and windows are (T - W, T]. */
export function asOf(at: number): { tMs: number; sec: number } {
  assertWholeSecond('T', at)
  return { tMs: at, sec: at / 1000 }
}
