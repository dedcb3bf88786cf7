// Spans of event time, as the engine reports what a commit changed and the UI re-asks only that.
import type { EventSpan } from './api'

/** What changed: a span, nothing (null), or anything (undefined: a rebuild, retention, a settings change). */
export type Changed = EventSpan | null | undefined

/** The smallest span holding both. */
export function hull(a: EventSpan | null, b: EventSpan | null): EventSpan | null {
  if (!a) return b
  if (!b) return a
  return { from: Math.min(a.from, b.from), to: Math.max(a.to, b.to) }
}

/** Two reports of what changed as one: anything wins over a span, a span over nothing. */
export function mergeChanged(a: Changed, b: Changed): Changed {
  if (a === undefined || b === undefined) return undefined
  return hull(a, b)
}
