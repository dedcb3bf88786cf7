// The connected devices per second (gold_connected_changes and gold_connected_minutes) are held, at every
// second, to the devices judged one by one at that second (CONNECTED_AT_T), after every batch of feeds in
// any arrival order; and counted from nothing (a new setting, migration 17) they are what the folds kept.
import { describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../db/migrations'
import { Engine } from '../engine'
import { CONNECTED_AT_T } from '../metrics/connected-devices'
import { ingestFrame, ingestShuffled, lateFeed, randomEvents } from '../metrics/testing/random-network'
import { useTempEngine } from '../testing/temp-engine'
import { PLAN_KBPS_SQL } from './live-state'
import { SERIES_STAGE, refillConnectedSeries } from './connected-series'
import { undoGoldFile } from '../testing/undo-gold-file'

const START = Date.UTC(2024, 5, 1, 12, 0, 0)
const MIN = 60_000

const temp = useTempEngine()

/** Per server and type at second `sec`: "server|type|devices|kbps", from the series. */
function fromSeries(sec: number): string[] {
  return temp.engine.db
    .prepare<{ minute: number; sec: number }, { g: string }>(
      `SELECT server || '|' || device_type || '|' || sum(devices) || '|' || sum(plan_kbps) AS g FROM (
         SELECT server, device_type, devices, plan_kbps FROM gold_connected_minutes WHERE minute = :minute
         UNION ALL
         SELECT server, device_type, devices, plan_kbps FROM gold_connected_changes WHERE sec > :minute * 60 AND sec <= :sec)
       GROUP BY server, device_type HAVING sum(devices) <> 0 OR sum(plan_kbps) <> 0 ORDER BY 1`,
    )
    .all({ minute: Math.floor(sec / 60), sec })
    .map((r) => r.g)
}

/** The same, each device judged at T (the metrics' per-T query). */
function judged(sec: number, idleMs: number): string[] {
  return temp.engine.db
    .prepare<{ t: number; idle: number }, { g: string }>(
      `SELECT coalesce(server, '') || '|' || coalesce(device_type, '') || '|' || count(*) || '|' ||
         sum(${PLAN_KBPS_SQL}) AS g
       FROM (${CONNECTED_AT_T}) GROUP BY coalesce(server, ''), coalesce(device_type, '') ORDER BY 1`,
    )
    .all({ t: sec * 1000, idle: idleMs })
    .map((r) => r.g)
}

const idleOf = () =>
  temp.engine.db
    .prepare<[string], number>('SELECT last_id FROM pipeline_gold_watermarks WHERE stage = ?')
    .pluck()
    .get(SERIES_STAGE)!

/** Every `step`-th second from before the first event to after the last one's idle timeout. */
function expectSeriesIsJudged(label: string, minutes: number, step: number): number {
  const idle = idleOf()
  let connected = 0
  for (let sec = START / 1000 - 5; sec <= (START + minutes * MIN + idle) / 1000 + 5; sec += step) {
    const expected = judged(sec, idle)
    expect(fromSeries(sec), `${label}, at second ${sec - START / 1000}`).toEqual(expected)
    connected += expected.length
  }
  return connected
}

const tables = () =>
  ['gold_connected_changes', 'gold_connected_minutes'].map((t) =>
    temp.engine.db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).raw().all(),
  )

describe('connected devices per second', () => {
  it('are, at every second, the devices judged one by one, after every batch of a feed with late events', () => {
    temp.engine.updateSettings({ idleTimeoutMin: 2 })
    expect(idleOf()).toBe(2 * MIN)
    const shape = { seed: 41, start: START, minutes: 10, events: 1500, devices: 30, clients: 10, servers: 3 }
    const events = lateFeed(randomEvents(shape), { seed: 3, jitter: 30, every: 40, heldBack: 300 })
    for (let i = 0; i < events.length; i += 149) {
      ingestFrame(temp.engine, events.slice(i, i + 149))
      expectSeriesIsJudged(`after ${i + 149} events`, 10, 13)
    }
    expect(expectSeriesIsJudged('at the end', 10, 1)).toBeGreaterThan(1000)
  })

  it('are the same when gold keeps few device states in memory, and reads them back batch by batch', () => {
    temp.reopen({ deviceStates: { maxCached: 4, maxResident: 0 } })
    temp.engine.updateSettings({ idleTimeoutMin: 2 })
    const shape = { seed: 45, start: START, minutes: 8, events: 1200, devices: 30, clients: 10, servers: 3 }
    const events = lateFeed(randomEvents(shape), { seed: 6, jitter: 30, every: 40, heldBack: 300 })
    for (let i = 0; i < events.length; i += 101) ingestFrame(temp.engine, events.slice(i, i + 101))
    expect(expectSeriesIsJudged('few states kept', 8, 1)).toBeGreaterThan(500)
  })

  it('are the same in any arrival order, and counted from nothing they are what the folds kept', () => {
    temp.engine.updateSettings({ idleTimeoutMin: 3 })
    const shape = { seed: 42, start: START, minutes: 12, events: 2000, devices: 40, clients: 12, servers: 3 }
    ingestShuffled(temp.engine, randomEvents(shape), 7)
    expect(expectSeriesIsJudged('shuffled', 12, 1)).toBeGreaterThan(1000)
    const kept = tables()
    expect(kept[1]!.length).toBeGreaterThan(20)
    temp.engine.db.transaction(() => refillConnectedSeries(temp.engine.db, 3 * MIN))()
    expect(tables()).toEqual(kept)

    const other = Engine.open(temp.path('other.db'))
    try {
      other.updateSettings({ idleTimeoutMin: 3 })
      const events = randomEvents(shape)
      for (let i = 0; i < events.length; i += 500) ingestFrame(other, events.slice(i, i + 500))
      const rows = (t: string) => other.db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).raw().all()
      expect([rows('gold_connected_changes'), rows('gold_connected_minutes')]).toEqual(kept)
    } finally {
      other.close()
    }
  })

  it('are counted again for a new idle timeout, and not kept for one under a minute or none', () => {
    const shape = { seed: 43, start: START, minutes: 8, events: 1000, devices: 25, clients: 8, servers: 2 }
    ingestShuffled(temp.engine, randomEvents(shape), 9)
    expect(idleOf()).toBe(30 * MIN)
    expectSeriesIsJudged('30 minutes', 8, 7)
    temp.engine.updateSettings({ idleTimeoutMin: 1 })
    expectSeriesIsJudged('1 minute', 8, 1)
    temp.engine.updateSettings({ idleTimeoutMin: 0.5 })
    expect(idleOf()).toBe(0)
    expect(tables()).toEqual([[], []])
    temp.engine.updateSettings({ idleTimeoutMin: null })
    expect(idleOf()).toBe(0)
  })

  it('are counted when a database written before migration 17 is opened', () => {
    const shape = { seed: 44, start: START, minutes: 8, events: 1000, devices: 25, clients: 8, servers: 2 }
    ingestShuffled(temp.engine, randomEvents(shape), 11)
    const kept = tables()
    expect(kept[0]!.length).toBeGreaterThan(20)
    undoGoldFile(temp.engine.db)
    temp.engine.db.exec(`
      DROP TABLE gold_connected_changes; DROP TABLE gold_connected_minutes;
      DELETE FROM pipeline_watermarks WHERE stage = '${SERIES_STAGE}';
      PRAGMA user_version = 16;`)
    temp.reopen()
    expect(temp.engine.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    expect(tables()).toEqual(kept)
  })
})
