import { describe, expect, it } from 'vitest'
import { DEVICES_AFTER_T } from '../metrics/live'
import { freshDbEachTest, queryPlan } from '../testing/fresh-db'
import { FOLDED_AFTER_SQL, NEWEST_EVENT_SQL } from './event-time'

const db = freshDbEachTest()

const planOf = (sql: string, params: unknown[] = []): string[] => queryPlan(db(), sql, ...params)

describe('silver by event time', () => {
  it('finds the newest event with a seek per type on silver_events_type_ts, not a scan', () => {
    expect(planOf(NEWEST_EVENT_SQL)).toEqual([
      'SEARCH silver_events USING COVERING INDEX silver_events_type_ts (type=?)',
    ])
  })

  it('reads the devices with an event after T as a range per type of silver_events_type_ts, to gold’s newest second', () => {
    expect(planOf(DEVICES_AFTER_T, [{ t: 0 }])[0]).toBe(
      'SEARCH silver_events USING COVERING INDEX silver_events_type_ts (type=? AND ts>? AND ts<?)',
    )
  })

  it('tells whether gold folded an event after a time by a range per type ending at gold’s newest second', () => {
    expect(planOf(FOLDED_AFTER_SQL, [0])).toContain(
      'SEARCH silver_events USING COVERING INDEX silver_events_type_ts (type=? AND ts>? AND ts<?)',
    )
  })
})
