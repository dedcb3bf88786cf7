// A view of the heavy clients at a past T from their rows alone (heavyClientRowsQuery) is the page the whole
// table gives (clientRowsQuery + pageOf), for every sort, direction and filter, at every T and threshold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../engine'
import { clientSortColumns } from '../../shared/api'
import type { LivePageView } from './client-page-live'
import { clientRowsQuery, heavyClientRowsQuery, pageOf } from './client-table'
import { engineOnRandomNetwork, ingestFrame } from './testing/random-network'

const START = Date.UTC(2024, 5, 1, 12, 0, 0)

const byClient = (a: { client: string }, b: { client: string }) => (a.client < b.client ? -1 : 1)

describe.each([
  ['', false],
  [', with names SQLite and JavaScript order apart', true],
])('the heavy clients at a past T%s', (_, unicodeNames) => {
  let network: ReturnType<typeof engineOnRandomNetwork>
  let engine: Engine
  let anchor: number

  beforeAll(() => {
    const shape = { seed: 31, start: START, minutes: 20, events: 6000, devices: 90, clients: 40, servers: 3 }
    network = engineOnRandomNetwork({ ...shape, unicodeNames }, 32)
    engine = network.engine
    anchor = (engine.db.prepare('SELECT newest_sec AS n FROM gold_live').get() as { n: number }).n
  })

  afterAll(() => network.remove())

  it('are the heavy rows of the whole table, paged alike in every view', () => {
    const heavyAt = heavyClientRowsQuery(engine.db)
    const rowsAt = clientRowsQuery(engine.db)
    // Clients' rates at a T in the middle, so that the thresholds split them.
    const rates = rowsAt((anchor - 400) * 1000, 1)
      .map((r) => r.bps / 1e6)
      .filter((r) => r > 0)
      .sort((a, b) => a - b)
    expect(rates.length).toBeGreaterThan(10)
    const thresholds = [rates[0]!, rates[Math.floor(rates.length / 2)]!, rates.at(-1)!]
    let compared = 0
    const sizes = new Set<number>()
    for (const back of [0, 1, 7, 59, 60, 61, 299, 400, 777, 900, 1000, 1150]) {
      const tMs = (anchor - back) * 1000
      for (const threshold of thresholds) {
        const heavy = heavyAt(tMs, threshold)
        expect(heavy, `N - ${back} s, ${threshold} Mb/s`).not.toBeNull()
        const rows = rowsAt(tMs, threshold)
        expect([...heavy!].sort(byClient), `N - ${back} s, ${threshold} Mb/s`).toEqual(
          rows.filter((r) => r.heavy).sort(byClient),
        )
        sizes.add(heavy!.length)
        const servers = [...new Set(rows.map((r) => r.server).filter((s) => s !== null))]
        for (const column of clientSortColumns)
          for (const desc of [false, true])
            for (const filter of [
              {},
              { server: servers[0]! },
              { planClass: 'high' as const },
              { search: 'c1' },
            ]) {
              const view: LivePageView = { sort: { column, desc }, search: '', heavyOnly: true, ...filter }
              for (const [offset, limit] of [
                [0, 5],
                [3, 10],
              ] as const) {
                const message = `${column} ${desc ? 'desc' : 'asc'} ${JSON.stringify(filter)} at N - ${back} s`
                expect(pageOf(heavy!, view, offset, limit), message).toEqual(
                  pageOf(rows, view, offset, limit),
                )
                compared++
              }
            }
      }
    }
    expect(compared).toBeGreaterThan(1000)
    // Some T have heavy clients and some none, and their number changes.
    expect(sizes.size).toBeGreaterThan(2)
  })

  it('leaves a threshold of 0 to the whole table (every client is heavy then)', () => {
    expect(heavyClientRowsQuery(engine.db)(anchor * 1000, 0)).toBeNull()
  })

  it('count only the devices a heavy client had at T', () => {
    const heavyAt = heavyClientRowsQuery(engine.db)
    const rowsAt = clientRowsQuery(engine.db)
    const tMs = (anchor - 120) * 1000
    const heavy = heavyAt(tMs, 0.001)!
    expect(heavy.length).toBeGreaterThan(0)
    const { client, server } = heavy[0]!
    // Two devices of the client first seen after T.
    ingestFrame(
      engine,
      [30_000, 60_000].map((after, i) => ({
        id: `late-${i}`,
        type: 'connect',
        ts: tMs + after,
        server,
        device: `late-device-${i}`,
        client,
      })),
    )
    const rows = rowsAt(tMs, 0.001)
    const again = heavyAt(tMs, 0.001)!
    expect(again.find((r) => r.client === client)).toEqual(rows.find((r) => r.client === client))
    expect(again.find((r) => r.client === client)!.devices).toBe(heavy[0]!.devices)
  })

  it('are the same after retention took seconds from the middle of a minute', () => {
    const heavyAt = heavyClientRowsQuery(engine.db)
    const rowsAt = clientRowsQuery(engine.db)
    const newest = (engine.db.prepare('SELECT max(ts) AS ts FROM silver_events').get() as { ts: number }).ts
    // Per-second gold kept back to 7.5 minutes and 17.3 s after START: a cutoff inside a minute.
    const keptFrom = START + 7.5 * 60_000 + 17_300
    engine.updateSettings({ retentionDays: { goldSeconds: (newest - keptFrom) / 86_400_000 } })
    expect(engine.applyRetention(newest + 1000).gold_usage_second).toBeGreaterThan(0)
    const oldest = (engine.db.prepare('SELECT min(sec) AS s FROM gold_usage_second').get() as { s: number }).s
    for (const after of [1, 30, 299, 300, 301, 360]) {
      const tMs = (oldest + after) * 1000
      for (const threshold of [0.001, 0.5]) {
        const rows = rowsAt(tMs, threshold).filter((r) => r.heavy)
        expect(rows.length, `oldest + ${after} s`).toBeGreaterThan(0)
        expect([...heavyAt(tMs, threshold)!].sort(byClient), `oldest + ${after} s`).toEqual(
          rows.sort(byClient),
        )
      }
    }
  })
})
