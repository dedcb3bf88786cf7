import { describe, expect, it } from 'vitest'
import { retentionStatusQuery } from './retention-status'
import { frame } from './testing/temp-db'
import { useTempEngine } from './testing/temp-engine'

const NOW = Date.UTC(2025, 0, 1)
const DAY = 86_400_000
const DAYS = { landing: 7, bronze: 7, silver: 30, gold: 400, goldSeconds: 7 }

const temp = useTempEngine()

const connect = (id: string, ts: number) => ({
  id,
  ts,
  type: 'connect',
  server: 's',
  device: id,
  client: 'c',
})

describe('retention status', () => {
  it('reports per group the days, what they count from, the oldest row kept and what the next pass deletes', () => {
    // The newest event is 10 days before now; landing and bronze count back from now.
    const newest = NOW - 10 * DAY
    temp.engine.ingestFrames([
      frame([connect('a', newest - 40 * DAY), connect('b', newest - 8 * DAY)], null, NOW - 9 * DAY),
    ])
    temp.engine.ingestFrames([frame([connect('c', newest - 2 * DAY), connect('d', newest)], null, NOW - DAY)])
    temp.engine.ingestFrames([frame('{"id": "bad"}', null, NOW - 40 * DAY)])

    const status = retentionStatusQuery(temp.engine.db)(DAYS, NOW)
    expect(status.newestEvent).toBe(newest)
    const by = (label: string) => status.groups.find((g) => g.label === label)!
    expect(by('Landing payloads')).toEqual({
      label: 'Landing payloads',
      layer: 'landing',
      tables: ['landing_payloads'],
      setting: 'landing',
      days: 7,
      countedFrom: 'arrival',
      cutoff: NOW - 7 * DAY,
      oldestKept: NOW - DAY,
      removable: 2,
    })
    // A frame's records are its landing bytes: bronze holds none of them.
    expect(by('Bronze records')).toMatchObject({ cutoff: NOW - 7 * DAY, oldestKept: null, removable: 0 })
    expect(by('Silver events')).toMatchObject({
      countedFrom: 'newest-event',
      cutoff: newest - 30 * DAY,
      oldestKept: newest - 8 * DAY,
      removable: 1,
    })
    expect(by('Quarantine and duplicates')).toMatchObject({ oldestKept: null, removable: 1 })
    // a and b in gold_conn_second; the client minute table holds no connect.
    expect(by('Per-second gold (and per client per minute)')).toMatchObject({
      setting: 'goldSeconds',
      // Just after the whole minute before newest - 7 days: a minute's row and its seconds go together.
      cutoff: Math.floor((newest - 7 * DAY - 1) / 60_000) * 60_000 + 1,
      oldestKept: newest - 2 * DAY,
      removable: 2,
    })
    expect(by('Device minutes')).toMatchObject({ oldestKept: newest - 8 * DAY, removable: 1 })
    expect(by('Per-minute gold')).toMatchObject({ oldestKept: newest - 40 * DAY, removable: 0 })

    // What it announced is what the pass deletes.
    const deleted = temp.engine.applyRetention(NOW)
    for (const g of status.groups) {
      const sum = g.tables.reduce((n, t) => n + deleted[t]!, 0)
      // Bronze records also go with their landing payloads (the cascade is not in the pass's count).
      if (g.layer !== 'bronze') expect({ label: g.label, sum }).toEqual({ label: g.label, sum: g.removable })
    }
    const after = retentionStatusQuery(temp.engine.db)(DAYS, NOW)
    expect(after.groups.map((g) => g.removable)).toEqual(after.groups.map(() => 0))
  })

  it('counts nothing from the newest event in a database without events', () => {
    const status = retentionStatusQuery(temp.engine.db)(DAYS, NOW)
    expect(status.newestEvent).toBeNull()
    for (const g of status.groups) {
      expect(g.cutoff).toBe(g.countedFrom === 'arrival' ? NOW - g.days * DAY : null)
      expect([g.oldestKept, g.removable]).toEqual([null, 0])
    }
  })
})
