// Each device's activity per minute (gold_device_minutes): its first and last event, and the silver ids of its
// usage samples. Its latest minute (the minute of its last_seen) is kept in its gold_devices row instead
// (device-states.ts), which nearly every event rewrites anyway: a minute row is written when the device moves
// on to a later minute, or for an event of an older one. The metrics ask the first and last event whether a
// device sent anything in an idle window; gold asks the ids for a device's samples when a late connect
// re-attributes them to its device type (a lookup by id, where an index of silver by minute and device cost
// every sample a random page: 19 µs per event in a flush of one-event frames, docs/benchmarks.md).
import type { Db } from '../db/open'
import { minuteOf } from './buckets'
import { appendIdsSql, eachId, encodeIds } from './id-list'
import type { HeldSeen } from './device-states'
import type { UsageSampleBytes } from './usage-sums'

interface Activity {
  first: number
  last: number
  /** The silver ids of its usage samples in this fold, ascending. */
  usage: number[] | null
}

/** The minute of a device's last_seen (of its row in gold_devices, or the one named), as buckets.ts counts. */
export const latestMinuteSql = (row = '') => `(${row}last_seen + 59999) / 60000`

/** Each device's latest minute, kept in its gold_devices row, as a row of gold_device_minutes. */
export const LATEST_MINUTE_ROWS_SQL = `
  SELECT ${latestMinuteSql()} AS minute, device, minute_first_ts AS first_ts, last_seen AS last_ts,
    minute_usage_ids AS usage_ids
  FROM gold_devices WHERE minute_first_ts IS NOT NULL`

/**
 * Clears the latest minutes before minute `?` from the devices' rows: what retention's delete of
 * gold_device_minutes' rows before that minute does to them.
 */
export const CLEAR_LATEST_MINUTES_BEFORE_SQL = `UPDATE gold_devices SET minute_first_ts = NULL,
  minute_usage_ids = NULL WHERE minute_first_ts IS NOT NULL AND ${latestMinuteSql()} < ?`

/** Every minute of every device, wherever it is kept: gold_device_minutes' columns. */
export const EVERY_DEVICE_MINUTE_SQL = `
  SELECT minute, device, first_ts, last_ts, usage_ids FROM gold_device_minutes
  UNION ALL ${LATEST_MINUTE_ROWS_SQL}`

/**
 * Moves each device's latest minute from gold_device_minutes into its gold_devices row: for a gold written
 * with every minute in gold_device_minutes (the benchmarks' fast path).
 */
export const LATEST_MINUTES_INTO_DEVICES_SQL = `
  UPDATE gold_devices SET (minute_first_ts, minute_usage_ids) = (
    SELECT m.first_ts, m.usage_ids FROM gold_device_minutes m
    WHERE m.minute = ${latestMinuteSql('gold_devices.')} AND m.device = gold_devices.device);
  DELETE FROM gold_device_minutes WHERE (minute, device) IN (
    SELECT ${latestMinuteSql()}, device FROM gold_devices WHERE minute_first_ts IS NOT NULL);`

/** What the activity of an event needs of it. */
interface ActiveEvent {
  id: number
  ts: number
  type: string
  device: string
}

export class DeviceMinutes {
  /** The fold's activity: per minute, then device. */
  private fold = new Map<number, Map<string, Activity>>()
  private readonly upsert
  private readonly idsOf
  private readonly rowIdsOf
  private readonly sample

  constructor(db: Db) {
    this.upsert = db.prepare<[number, string, number, number, Buffer | null]>(
      `INSERT INTO gold_device_minutes (minute, device, first_ts, last_ts, usage_ids) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (minute, device) DO UPDATE SET first_ts = min(first_ts, excluded.first_ts),
         last_ts = max(last_ts, excluded.last_ts), usage_ids = ${appendIdsSql('usage_ids', 'excluded.usage_ids')}`,
    )
    // The minute's ids from its row, or from the device's row when it is the device's latest minute there.
    this.idsOf = db
      .prepare<{ minute: number; device: string }, Buffer | null>(
        'SELECT usage_ids FROM gold_device_minutes WHERE minute = :minute AND device = :device',
      )
      .pluck()
    this.rowIdsOf = db
      .prepare<{ minute: number; device: string }, Buffer | null>(
        `SELECT usage_ids FROM (${LATEST_MINUTE_ROWS_SQL}) WHERE minute = :minute AND device = :device`,
      )
      .pluck()
    this.sample = db.prepare<[number], UsageSampleBytes>(
      'SELECT ts, duration_ms, bytes_down, bytes_up FROM silver_events WHERE id = ?',
    )
  }

  /** Starts a fold: what an earlier one left unwritten (it failed) is dropped. */
  begin(): void {
    this.fold = new Map()
  }

  /** Counts an event of the fold, folded in id order. */
  add(e: ActiveEvent): void {
    const minute = minuteOf(e.ts)
    let ofMinute = this.fold.get(minute)
    if (!ofMinute) this.fold.set(minute, (ofMinute = new Map()))
    const usage = e.type === 'usage'
    const seen = ofMinute.get(e.device)
    if (!seen) ofMinute.set(e.device, { first: e.ts, last: e.ts, usage: usage ? [e.id] : null })
    else {
      if (e.ts < seen.first) seen.first = e.ts
      if (e.ts > seen.last) seen.last = e.ts
      if (usage) (seen.usage ??= []).push(e.id)
    }
  }

  /**
   * The usage samples of `device` whose ts falls in `minute`, among those folded before silver id `before`.
   * `held`: what the device's row lacks of its latest minute (DeviceStates.heldOf), if it lags.
   */
  samplesBefore(
    minute: number,
    device: string,
    before: number,
    held?: HeldSeen & { minute: number },
  ): UsageSampleBytes[] {
    const samples: UsageSampleBytes[] = []
    const take = (id: number) => {
      if (id >= before) return false
      samples.push(this.sample.get(id)!)
      return true
    }
    const key = { minute, device }
    for (const written of this.idsOf.all(key)) if (written) eachId(written, take)
    // A row whose latest minute is older than the device's holds a minute gold_device_minutes has too.
    if (!held?.older) for (const written of this.rowIdsOf.all(key)) if (written) eachId(written, take)
    if (held && held.minute === minute) for (const id of held.ids) if (!take(id)) break
    for (const id of this.fold.get(minute)?.get(device)?.usage ?? []) if (!take(id)) break
    return samples
  }

  /**
   * Takes out of the fold each device's activity in its latest minute (`latestOf`, after the fold), which
   * goes into its gold_devices row: the silver ids of its usage samples there, by device.
   */
  takeLatest(latestOf: (device: string) => number): Map<string, number[] | null> {
    const taken = new Map<string, number[] | null>()
    for (const [minute, ofMinute] of this.fold)
      for (const [device, { usage }] of ofMinute) {
        if (latestOf(device) !== minute) continue
        taken.set(device, usage)
        ofMinute.delete(device)
      }
    return taken
  }

  /** Writes the fold's activity into gold_device_minutes: after the devices' rows (`takeLatest`). */
  write(): void {
    for (const [minute, ofMinute] of this.fold)
      for (const [device, { first, last, usage }] of ofMinute)
        this.upsert.run(minute, device, first, last, usage ? encodeIds(usage) : null)
    this.fold = new Map()
  }
}
