// Utilisation levels of a server: warn from 75 %, critical from 85 %.
export const WARN_AT = 0.75
export const CRIT_AT = 0.85

export type Level = 'ok' | 'warn' | 'crit' | 'none'

/** A utilisation over an inventory value of 0 is infinite or undefined: JSON brings it as null. */
export function finite(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null
}

export function levelOf(value: number | null): Level {
  const v = finite(value)
  if (v === null) return 'none'
  if (v >= CRIT_AT) return 'crit'
  if (v >= WARN_AT) return 'warn'
  return 'ok'
}

export const LEVEL_TEXT: Record<Level, string> = {
  ok: 'OK',
  warn: 'warning',
  crit: 'critical',
  none: 'not defined',
}

/** The worse of two levels. */
export function worst(a: Level, b: Level): Level {
  const order: Level[] = ['none', 'ok', 'warn', 'crit']
  return order.indexOf(a) >= order.indexOf(b) ? a : b
}
