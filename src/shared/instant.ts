// Vigia answers at whole seconds (docs/metrics.md, Common rules). An instant asked with a fraction of a second
// is refused, with the two whole seconds around it, rather than answered at another instant.
import { z } from 'zod'

export const isWholeSecond = (ms: number): boolean => Number.isInteger(ms) && ms % 1000 === 0

/** Now as a whole second, epoch ms: the T of an answer asked for no T in particular (it says which it is). */
export const currentSecond = (now = Date.now()): number => Math.floor(now / 1000) * 1000

/** ISO-8601 in UTC, without milliseconds when there are none. */
export const isoOf = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z')

const epochAndIso = (ms: number): string => `${ms} (${isoOf(ms)})`

/** "Vigia answers at whole seconds; ask A or B": A and B the whole seconds around `ms`, written by `write`. */
export function wholeSecondAdvice(ms: number, write: (ms: number) => string = isoOf): string {
  const before = Math.floor(ms / 1000) * 1000
  return `Vigia answers at whole seconds; ask ${write(before)} or ${write(before + 1000)}`
}

/** What was asked and the whole seconds around it, in epoch ms and ISO-8601. */
export const notWholeSecond = (ms: number): string =>
  `${epochAndIso(ms)}: ${wholeSecondAdvice(ms, epochAndIso)}`

/** Throws unless `ms` is a whole second: a metric never answers at an instant other than the one asked. */
export function assertWholeSecond(what: string, ms: number): void {
  if (!isWholeSecond(ms)) throw new RangeError(`${what} ${notWholeSecond(ms)}`)
}

/** An instant in epoch ms, a whole second: every T and range bound the API takes. */
export const instant = z
  .number()
  .int()
  .nonnegative()
  .refine(isWholeSecond, { error: (issue) => notWholeSecond(issue.input as number) })
