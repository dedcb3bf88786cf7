// The heavy-user table paged in SQL from the live state gives the page clientRowsQuery + pageOf give, for
// every sort, direction and filter, at and after the newest second.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../engine'
import { clientSortColumns } from '../../shared/api'
import { liveClientPageQuery, type LivePageView } from './client-page-live'
import { clientRowsQuery, pageOf } from './client-table'
import { engineOnRandomNetwork } from './testing/random-network'

const START = Date.UTC(2024, 5, 1, 12, 0, 0)

describe.each([
  ['', {}],
  [', with names SQLite and JavaScript order apart', { unicodeNames: true }],
  // Three devices per client, all on one server unless they roam: most clients use one server.
  [', with most clients on one server', { homeServers: true, clients: 30 }],
])('the heavy-user table from the live state%s', (_, names) => {
  let network: ReturnType<typeof engineOnRandomNetwork>
  let engine: Engine
  let anchor: number

  beforeAll(() => {
    const shape = { seed: 21, start: START, minutes: 20, events: 6000, devices: 90, clients: 40, servers: 3 }
    network = engineOnRandomNetwork({ ...shape, ...names }, 22)
    engine = network.engine
    anchor = (engine.db.prepare('SELECT newest_sec AS n FROM gold_live').get() as { n: number }).n
  })

  afterAll(() => network.remove())
  it('gives the rows, order and totals of the table computed for any T', () => {
    const live = liveClientPageQuery(engine.db)
    const rowsAt = clientRowsQuery(engine.db)
    let compared = 0
    let heavySeen = 0
    for (const later of [0, 1, 30, 299, 301]) {
      const sec = anchor + later
      const threshold = 0.5
      const rows = rowsAt(sec * 1000, threshold)
      heavySeen += rows.filter((r) => r.heavy).length
      const servers = [...new Set(rows.map((r) => r.server).filter((s) => s !== null))]
      const filters: Partial<LivePageView>[] = [
        {},
        { heavyOnly: true },
        { server: servers[0]! },
        { planClass: 'high' },
        { planClass: 'unknown', heavyOnly: true },
        { server: '' },
      ]
      for (const column of clientSortColumns) {
        for (const desc of [false, true]) {
          for (const filter of filters) {
            const view: LivePageView = { sort: { column, desc }, search: '', heavyOnly: false, ...filter }
            for (const [offset, limit] of [
              [0, 7],
              [5, 10],
              [0, 1000],
              [500, 10],
            ] as const) {
              const page = live(sec, threshold, view, offset, limit)
              expect(
                page,
                `${column} ${desc ? 'desc' : 'asc'} ${JSON.stringify(filter)} at N + ${later}`,
              ).toEqual(pageOf(rows, view, offset, limit))
              compared++
            }
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(500)
    expect(heavySeen).toBeGreaterThan(0)
  })

  it('has clients on one server and on more than one, as the network says', () => {
    const count = (sql: string) => engine.db.prepare(sql).pluck().get() as number
    const single = count(
      'SELECT count(*) FROM gold_clients WHERE main_bytes > 0 AND main_bytes = window_bytes',
    )
    const multi = count('SELECT count(DISTINCT client) FROM gold_live_client_servers')
    if ('homeServers' in names) expect(single).toBeGreaterThan(multi)
    else expect(multi).toBeGreaterThan(single)
  })

  it('leaves a search, and a T before the newest second, to the table computed for any T', () => {
    const live = liveClientPageQuery(engine.db)
    const view: LivePageView = { sort: { column: 'bps', desc: true }, search: '', heavyOnly: false }
    expect(live(anchor, 1, { ...view, search: 'c1' }, 0, 10)).toBeNull()
    expect(live(anchor - 1, 1, view, 0, 10)).toBeNull()
    expect(live(anchor, 1, view, 0, 10)).not.toBeNull()
  })
})
