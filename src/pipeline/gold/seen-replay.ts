// The devices' last_seen, minute_first_ts and minute_usage_ids as gold's memory held them, replayed from
// silver where gold_devices lags it (seen-marker.ts): the folds after the marker, over the rows. Gold's writer
// writes them back when it starts (`recoverDeviceSeen`: after a crash, or a fold that failed); a reader with
// no view of gold's memory (the CLI beside the running app) reads through them (`replayedSeenView`).
//
// Replaying a fold the row already holds changes nothing: a row is written whole, as of some fold, so the
// events up to that fold are in its latest minute or before it, and their ids are in its list already.
import { GOLD_SCHEMA } from '../db/gold-file'
import type { Db } from '../db/open'
import { minuteOf } from './buckets'
import { decodeIds, encodeIds } from './id-list'
import { seenBehindQuery, seenBehindSetter } from './seen-marker'
import type { SeenView } from './shared-seen'

interface Replayed {
  slot: number
  last: number
  minuteFirst: number | null
  ids: number[]
  known: Set<number>
}

interface SeenRow {
  slot: number
  last_seen: number
  minute_first_ts: number | null
  minute_usage_ids: Buffer | null
}

/** Every device with an event gold folded after `behind`, with its columns as gold's memory holds them. */
function replay(db: Db, behind: number): Map<string, Replayed> {
  const upTo = db
    .prepare<[], number>(`SELECT last_id FROM ${GOLD_SCHEMA}.pipeline_gold_watermarks WHERE stage = 'gold'`)
    .pluck()
    .get()!
  const rowOf = db.prepare<[string], SeenRow>(
    'SELECT slot, last_seen, minute_first_ts, minute_usage_ids FROM gold_devices WHERE device = ?',
  )
  const events = db
    .prepare<[number, number], [number, number, string, string]>(
      'SELECT id, ts, type, device FROM silver_events WHERE id > ? AND id <= ? ORDER BY id',
    )
    .raw()
  const states = new Map<string, Replayed>()
  for (const [id, ts, type, device] of events.iterate(behind, upTo)) {
    let s = states.get(device)
    if (!s) {
      // Every device of a fold that committed has a row: its first fold writes it whole.
      const row = rowOf.get(device)
      if (!row) continue
      const ids = row.minute_usage_ids ? decodeIds(row.minute_usage_ids) : []
      s = { slot: row.slot, last: row.last_seen, minuteFirst: row.minute_first_ts, ids, known: new Set(ids) }
      states.set(device, s)
    }
    // As DeviceStates.apply and the latest minute's ids (DeviceMinutes.takeLatest): an event of an older
    // minute went to gold_device_minutes with its fold.
    const minute = minuteOf(ts)
    const latest = minuteOf(s.last)
    if (minute < latest) continue
    if (minute > latest) {
      s.minuteFirst = ts
      s.ids = []
      s.known.clear()
    } else s.minuteFirst = s.minuteFirst === null ? ts : Math.min(s.minuteFirst, ts)
    s.last = Math.max(s.last, ts)
    if (type === 'usage' && !s.known.has(id)) {
      s.ids.push(id)
      s.known.add(id)
    }
  }
  return states
}

/**
 * Writes the replayed columns into gold_devices when they lag gold's memory (a crash, a fold that failed),
 * in the caller's transaction or one of its own; returns the devices written.
 */
export function recoverDeviceSeen(db: Db): number {
  const behind = seenBehindQuery(db)()
  if (behind < 0) return 0
  return db.transaction(() => {
    const update = db.prepare<[number, number | null, Buffer | null, string]>(
      'UPDATE gold_devices SET last_seen = ?, minute_first_ts = ?, minute_usage_ids = ? WHERE device = ?',
    )
    const states = replay(db, behind)
    for (const [device, s] of states)
      update.run(s.last, s.minuteFirst, s.ids.length > 0 ? encodeIds(s.ids) : null, device)
    seenBehindSetter(db)(-1)
    return states.size
  })()
}

/**
 * For a reader with no view of gold's memory, inside its read transaction: the columns gold_devices lags,
 * replayed (about a second per minute of a busy feed); null when the rows are whole.
 */
export function replayedSeenView(db: Db): SeenView | null {
  const behind = seenBehindQuery(db)()
  if (behind < 0) return null
  const bySlot = new Map<number, Replayed>()
  for (const s of replay(db, behind).values()) bySlot.set(s.slot, s)
  return {
    lastSeen: (slot, stored) => bySlot.get(slot)?.last ?? stored,
    minuteFirst: (slot, stored) => {
      const s = bySlot.get(slot)
      return s ? s.minuteFirst : stored
    },
    stillValid: () => true,
    release: () => undefined,
  }
}
