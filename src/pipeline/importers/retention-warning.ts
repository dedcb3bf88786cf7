// Before an import lands anything, a quick pass over the file finds the span of its event times, so the
// person importing hears whether retention will delete some of them at its next pass. Silver and gold count
// their days back from the newest event (docs/pipeline.md, Retention): importing old history into an empty
// or older database keeps it; importing it under newer events, or a file that spans more than a layer keeps,
// does not.
import type { RawRecord } from '../bronze/records'
import { RETENTION_GROUPS, eventReference, type RetentionSetting } from '../retention'
import { normalize, type NormalizeContext } from '../silver/normalize'
import type { PipelineSettings } from '../../shared/settings'

const DAY = 86_400_000

export interface EventSpan {
  oldest: number
  newest: number
}

/** Oldest and newest time of the records silver would accept; null when it would accept none. */
export async function eventSpan(
  records: AsyncIterable<RawRecord>,
  context: NormalizeContext,
  signal?: AbortSignal,
): Promise<EventSpan | null> {
  let span: EventSpan | null = null
  for await (const r of records) {
    if (signal?.aborted) break
    if (r.error !== undefined) continue
    const n = normalize(r.raw, r.format, context)
    if (!n.ok) continue
    const ts = n.event.ts
    if (!span) span = { oldest: ts, newest: ts }
    else if (ts < span.oldest) span.oldest = ts
    else if (ts > span.newest) span.newest = ts
  }
  return span
}

const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`

/**
 * What the next retention pass would delete of a file whose events span `span`, once imported into a
 * database whose newest event is `newestEvent`; null when it keeps them all.
 */
export function retentionWarning(
  span: EventSpan | null,
  days: PipelineSettings['retentionDays'],
  newestEvent: number | null,
  now: number,
): string | null {
  if (!span) return null
  const reference = eventReference(Math.max(newestEvent ?? span.newest, span.newest), now)!
  const labels = new Map<RetentionSetting, string[]>()
  for (const g of RETENTION_GROUPS) {
    if (g.countedFrom !== 'newest-event') continue
    labels.set(g.setting, [...(labels.get(g.setting) ?? []), g.label.toLowerCase()])
  }
  const cut = [...labels]
    .map(([setting, names]) => ({ setting, names, cutoff: reference - days[setting] * DAY }))
    .filter((c) => span.oldest < c.cutoff)
    .sort((a, b) => b.cutoff - a.cutoff)
  if (cut.length === 0) return null
  // "a and b", "a, b and c"
  const list = (names: string[]) =>
    names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
  const parts = cut.map(
    (c) => `${list(c.names)} before ${when(c.cutoff)} (retentionDays.${c.setting}: ${days[c.setting]} days)`,
  )
  return (
    `this file's events go back to ${when(span.oldest)}; counted back from the newest event ` +
    `(${when(reference)}), the next retention pass deletes their ${parts.join('; ')}. ` +
    'Raise retentionDays to keep them.'
  )
}
