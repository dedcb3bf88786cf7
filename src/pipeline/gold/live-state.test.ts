// The live state is moved batch by batch by what each batch changed; these tests hold it, after every batch,
// to the same state counted again from the gold tables (refillLiveState).
import { describe, expect, it } from 'vitest'
import { Engine } from '../engine'
import { useTempEngine } from '../testing/temp-engine'
import { undoClientUsageParts } from '../testing/undo-client-usage-parts'
import { UNDO_DROP_TS_INDEX_SQL } from '../testing/undo-drop-ts-index'
import { UNDO_FRAME_LINEAGE_SQL } from '../testing/undo-frame-lineage'
import { UNDO_DEVICE_USAGE_IDS_SQL } from '../testing/undo-device-usage-ids'
import { UNDO_LATEST_MINUTE_IN_DEVICES_SQL } from '../testing/undo-latest-minute-in-devices'
import { UNDO_PARTS_TOTAL_SQL } from '../testing/undo-parts-total'
import { ingestFrame, nearlyInOrder, randomEvents } from '../metrics/testing/random-network'
import { MIGRATIONS } from '../db/migrations'
import { CLIENT_COLUMNS, clientRowOf } from './client-states'
import { EVERY_CLIENT_SERVER_SQL, refillLiveState } from './live-state'
import { UNDO_CLIENT_MINUTES_SQL } from '../testing/undo-client-minutes'
import { UNDO_CONNECTED_SERIES_SQL } from '../testing/undo-connected-series'
import { undoGoldFile } from '../testing/undo-gold-file'

const START = Date.UTC(2024, 5, 1, 12, 0, 0)
const MIN = 60_000

const LIVE = [
  'SELECT * FROM gold_live',
  'SELECT * FROM gold_live_devices',
  'SELECT * FROM gold_live_connects',
  'SELECT client, live_until, window_bytes, devices, main_server, main_bytes, latest_server FROM gold_clients',
  'SELECT * FROM gold_live_pairs',
  'SELECT * FROM gold_live_client_servers',
]

const temp = useTempEngine()

function dump(): string[][] {
  return LIVE.map((sql) =>
    temp.engine.db
      .prepare(sql)
      .raw()
      .all()
      .map((r) => JSON.stringify(r))
      .sort(),
  )
}

/** The live state as the temp.engine kept it, and as counted again from gold (in a transaction rolled back). */
function keptAndCounted(): { kept: string[][]; counted: string[][] } {
  const kept = dump()
  temp.engine.db.exec('SAVEPOINT recount')
  try {
    refillLiveState(temp.engine.db)
    return { kept, counted: dump() }
  } finally {
    temp.engine.db.exec('ROLLBACK TO recount; RELEASE recount')
  }
}

/**
 * Every client's bytes per server as the temp.engine keeps them in memory, rows as `dump` gives them; null when
 * they were not read since last forgotten.
 */
function resident(): string[] | null {
  const kept = temp.engine['gold']['live']['clientServers']
  return kept ? [...kept.pairs()].map((r) => JSON.stringify(r)).sort() : null
}

/**
 * Whether what the temp.engine keeps in memory of the clients' bytes per server is what the tables hold, row for
 * row: gold_live_client_servers for the clients on more than one server, gold_clients for the others.
 */
function expectResidentIsTable(when: string): void {
  const stored = temp.engine.db.prepare(EVERY_CLIENT_SERVER_SQL).raw().all()
  expect(resident(), when).toEqual(stored.map((r) => JSON.stringify(r)).sort())
  const servers = new Map<string, number>()
  for (const [client] of stored as [string][]) servers.set(client, (servers.get(client) ?? 0) + 1)
  const multi = dump()[5]!.map((r) => JSON.parse(r)[0] as string)
  expect(new Set(multi), when).toEqual(new Set([...servers].filter(([, n]) => n > 1).map(([c]) => c)))
}

/** Every client's row as the engine keeps it in memory (ClientStates); null when not read since forgotten. */
function keptClients(): string[] | null {
  const kept = temp.engine['gold']['live']['clientRows']['states']
  return kept ? [...kept.all()].map((c) => JSON.stringify(clientRowOf(c))).sort() : null
}

const tableClients = () =>
  temp.engine.db
    .prepare(`SELECT ${CLIENT_COLUMNS.join(', ')} FROM gold_clients`)
    .raw()
    .all()
    .map((r) => JSON.stringify(r))
    .sort()

const ingest = (events: Record<string, unknown>[]) => ingestFrame(temp.engine, events)

describe('live state', () => {
  it('is, after every batch, the state counted again from gold: in order, late and out of order', () => {
    const shape = { seed: 11, start: START, minutes: 40, events: 8000, devices: 80, clients: 25, servers: 3 }
    const events = nearlyInOrder(randomEvents(shape), 3, 400)
    let compared = 0
    for (let i = 0; i < events.length; i += 113) {
      ingest(events.slice(i, i + 113))
      const { kept, counted } = keptAndCounted()
      expect(kept, `after ${i + 113} events`).toEqual(counted)
      expectResidentIsTable(`after ${i + 113} events`)
      compared++
    }
    // The states compared are not empty: devices connected, clients with bytes in the window.
    const [anchor, devices, connects, clients, pairs] = dump()
    expect(anchor).toHaveLength(1)
    expect(pairs!.length).toBeGreaterThan(10)
    expect(devices!.length).toBeGreaterThan(10)
    expect(connects!.length).toBeGreaterThan(10)
    expect(clients!.some((c) => JSON.parse(c)[2] > 0)).toBe(true)
    expect(dump()[5]!.length, 'clients on more than one server').toBeGreaterThan(0)
    expect(compared).toBeGreaterThan(50)
  })

  it('is the state counted again when most clients use one server, and some move to another', () => {
    const shape = { seed: 12, start: START, minutes: 20, events: 5000, devices: 90, clients: 60, servers: 4 }
    const events = nearlyInOrder(randomEvents({ ...shape, homeServers: true }), 5, 300)
    const singles = new Set<number>()
    for (let i = 0; i < events.length; i += 97) {
      ingest(events.slice(i, i + 97))
      const { kept, counted } = keptAndCounted()
      expect(kept, `after ${i + 97} events`).toEqual(counted)
      expectResidentIsTable(`after ${i + 97} events`)
      const clients = kept[3]!.map((r) => JSON.parse(r) as [string, number, number])
      const multi = new Set(kept[5]!.map((r) => JSON.parse(r)[0] as string))
      singles.add(clients.filter(([c, , bytes]) => bytes > 0 && !multi.has(c)).length)
    }
    // Both kinds of client were there, batch after batch.
    expect(Math.max(...singles)).toBeGreaterThan(10)
    expect(dump()[5]!.length).toBeGreaterThan(0)
  })

  it('is counted again when the newest event jumps past the window, and after a rebuild', () => {
    const early = randomEvents({
      seed: 4,
      start: START,
      minutes: 10,
      events: 1500,
      devices: 30,
      clients: 10,
      servers: 2,
    })
    const later = randomEvents({
      seed: 5,
      start: START + 60 * MIN,
      minutes: 10,
      events: 1500,
      devices: 30,
      clients: 10,
      servers: 2,
    }).map((e) => ({ ...e, id: `later-${e.id as string}` }))
    ingest(nearlyInOrder(early, 1, 50))
    // The windows jump past their length: counted again from the tables, and read again from them.
    ingest(nearlyInOrder(later, 2, 50).slice(0, 700))
    let { kept, counted } = keptAndCounted()
    expect(kept).toEqual(counted)
    expectResidentIsTable('after the jump')
    // Late: events of the first ten minutes again, now far older than the window.
    ingest(
      early.slice(0, 300).map((e) => ({ ...e, id: `again-${e.id as string}`, ts: (e.ts as number) + 1 })),
    )
    ingest(nearlyInOrder(later, 2, 50).slice(700))
    ;({ kept, counted } = keptAndCounted())
    expect(kept).toEqual(counted)
    expectResidentIsTable('after late events')
    temp.engine.rebuild()
    ;({ kept, counted } = keptAndCounted())
    expect(kept).toEqual(counted)
    expect(kept[0]).toHaveLength(1)
    expectResidentIsTable('after the rebuild')
  })

  it("names the first server by name as a client's main server when two carry as many bytes", () => {
    const usage = (id: string, ts: number, server: string, device: string, client = 'c1') => ({
      id,
      ts,
      type: 'usage',
      server,
      device,
      client,
      bytes_down: 5_000,
      bytes_up: 0,
    })
    const main = (client = 'c1') =>
      temp.engine.db.prepare('SELECT main_server, main_bytes FROM gold_clients WHERE client = ?').get(client)
    ingest([usage('a', START, 'ap-2', 'd1')])
    expect(main()).toEqual({ main_server: 'ap-2', main_bytes: 5_000 })
    // The same bytes on ap-1, in another batch and in the same one: the tie goes to ap-1 both ways.
    ingest([usage('b', START + 1000, 'ap-1', 'd2')])
    expect(main()).toEqual({ main_server: 'ap-1', main_bytes: 5_000 })
    ingest([usage('c', START + 2000, 'ap-2', 'd1'), usage('d', START + 2000, 'ap-1', 'd2')])
    expect(main()).toEqual({ main_server: 'ap-1', main_bytes: 10_000 })
    // SQLite orders U+FF01 before U+1F600 (by UTF-8 bytes), JavaScript's < after (by UTF-16 units).
    ingest([usage('e', START + 3000, 'ap-\u{1F600}', 'd3', 'c2')])
    ingest([usage('f', START + 3000, 'ap-\uff01', 'd4', 'c2')])
    expect(main('c2')).toEqual({ main_server: 'ap-\uff01', main_bytes: 5_000 })
    const { kept, counted } = keptAndCounted()
    expect(kept).toEqual(counted)
  })

  it("keeps the clients' bytes per server and rows as the tables hold them after a fold that rolled back", () => {
    const shape = { seed: 12, start: START, minutes: 8, events: 3000, devices: 40, clients: 12, servers: 3 }
    const events = nearlyInOrder(randomEvents(shape), 5, 100)
    ingest(events.slice(0, 1500))
    expectResidentIsTable('before the rollback')
    expect(keptClients(), 'the rows before the rollback').toEqual(tableClients())
    // The fold moves the windows, then fails at its last write: the transaction rolls back.
    temp.engine.db.exec(`CREATE TEMP TRIGGER fail AFTER INSERT ON gold_servers WHEN NEW.server = 'boom'
      BEGIN SELECT RAISE(ABORT, 'the fold failed after its windows moved'); END`)
    const failing = events.slice(1500, 2000).map((e, i) => (i === 0 ? { ...e, server: 'boom' } : e))
    expect(() => ingest(failing)).toThrow('the fold failed')
    temp.engine.db.exec('DROP TRIGGER fail')
    expect(resident()).toBeNull()
    expect(keptClients()).toBeNull()
    ingest(events.slice(1500))
    const { kept, counted } = keptAndCounted()
    expect(kept).toEqual(counted)
    expectResidentIsTable('after the rollback')
    expect(keptClients(), 'the rows after the rollback').toEqual(tableClients())
  })

  it('writes the plan of the latest connect of a client, of several in one batch or in many, ties to the later folded', () => {
    const connect = (id: string, ts: number, plan: number) => ({
      id,
      ts,
      type: 'connect',
      server: 's1',
      device: `d-${id}`,
      client: 'c1',
      plan_mbps: plan,
    })
    const batches = [
      [connect('a', START + 2000, 5), connect('b', START + 5000, 20), connect('c', START + 5000, 100)],
      [connect('d', START + 1000, 300), connect('e', START + 3000, 101)],
      [connect('f', START + 5000, 300), connect('g', START + 4000, 20)],
    ]
    const plan = (e: Engine) =>
      e.db.prepare("SELECT plan_mbps, plan_ts FROM gold_clients WHERE client = 'c1'").get()
    const oneByOne = Engine.open(temp.path('one-by-one.db'))
    try {
      for (const [i, batch] of batches.entries()) {
        ingest(batch)
        for (const e of batch) ingestFrame(oneByOne, [e])
        expect(plan(temp.engine), `after batch ${i}`).toEqual(plan(oneByOne))
      }
      expect(plan(temp.engine)).toEqual({ plan_mbps: 300, plan_ts: START + 5000 })
    } finally {
      oneByOne.close()
    }
  })

  it('counts the client windows again when retention takes seconds they held', () => {
    const shape = { seed: 8, start: START, minutes: 10, events: 2000, devices: 30, clients: 10, servers: 2 }
    ingest(nearlyInOrder(randomEvents(shape), 1, 50))
    const before = dump()[3]!
    expect(before.some((c) => JSON.parse(c)[2] > 0)).toBe(true)
    // Gold's seconds are counted back from the newest event: kept 2 minutes, the window's seconds (the last
    // 5 minutes of the 10) are partly gone.
    temp.engine.updateSettings({
      retentionDays: { landing: 7, bronze: 7, silver: 30, gold: 400, goldSeconds: 2 / (24 * 60) },
    })
    const deleted = temp.engine.applyRetention(START + 7 * 24 * 60 * MIN)
    expect(deleted.gold_client_usage_parts).toBeGreaterThan(0)
    let { kept, counted } = keptAndCounted()
    expect(kept).toEqual(counted)
    expect(kept[3]).not.toEqual(before)
    // The windows move on from what retention counted, not from what was kept in memory before it.
    const more = randomEvents({ ...shape, seed: 10, start: START + 10 * MIN, minutes: 2, events: 400 })
    ingest(more.map((e) => ({ ...e, id: `more-${e.id as string}` })))
    ;({ kept, counted } = keptAndCounted())
    expect(kept).toEqual(counted)
    expectResidentIsTable('after retention')
  })
})

describe('migrations 4 to 6', () => {
  it('counts the live state and device minutes of a database written before them, as the engine would have kept them', () => {
    const shape = { seed: 9, start: START, minutes: 12, events: 3000, devices: 40, clients: 12, servers: 3 }
    ingest(nearlyInOrder(randomEvents(shape), 2, 80))
    const kept = dump()
    const minutes = () =>
      temp.engine.db.prepare('SELECT * FROM gold_device_minutes ORDER BY minute, device').all()
    const keptMinutes = minutes()
    expect(keptMinutes.length).toBeGreaterThan(40)
    // Back to schema 3, as a database written by the previous version.
    temp.engine.db.exec(UNDO_LATEST_MINUTE_IN_DEVICES_SQL)
    undoGoldFile(temp.engine.db)
    temp.engine.db.exec(UNDO_DEVICE_USAGE_IDS_SQL)
    temp.engine.db.exec(UNDO_PARTS_TOTAL_SQL)
    temp.engine.db.exec(UNDO_DROP_TS_INDEX_SQL)
    undoClientUsageParts(temp.engine.db)
    temp.engine.db.exec(UNDO_FRAME_LINEAGE_SQL)
    temp.engine.db.exec(`
      DROP TABLE gold_live; DROP TABLE gold_live_devices; DROP TABLE gold_live_connects; DROP TABLE gold_live_pairs; DROP TABLE gold_live_client_servers;
      ALTER TABLE gold_clients DROP COLUMN live_until; ALTER TABLE gold_clients DROP COLUMN window_bytes; ALTER TABLE gold_clients DROP COLUMN devices;
      ALTER TABLE gold_clients DROP COLUMN main_server; ALTER TABLE gold_clients DROP COLUMN main_bytes; ALTER TABLE gold_clients DROP COLUMN latest_server;
      DROP TABLE gold_device_minutes; CREATE INDEX silver_events_device_ts ON silver_events(device, ts);
      DROP INDEX silver_events_usage_minute; ${UNDO_CLIENT_MINUTES_SQL} ${UNDO_CONNECTED_SERIES_SQL}
      PRAGMA user_version = 3;`)
    temp.reopen()
    expect(temp.engine.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    expect(dump()).toEqual(kept)
    expect(minutes()).toEqual(keptMinutes)
  })
})

describe('migration 15', () => {
  it('keeps the pairs of the clients on more than one server only, as the engine now keeps them', () => {
    const shape = { seed: 5, start: START, minutes: 8, events: 2000, devices: 40, clients: 30, servers: 3 }
    ingest(nearlyInOrder(randomEvents({ ...shape, homeServers: true }), 2, 80))
    const kept = dump()
    // Back to schema 14, whose table held every pair with bytes.
    undoGoldFile(temp.engine.db)
    temp.engine.db.exec(`
      INSERT INTO gold_live_client_servers (client, server, bytes)
        SELECT client, main_server, main_bytes FROM gold_clients WHERE main_bytes > 0 AND main_bytes = window_bytes;
      ${UNDO_CLIENT_MINUTES_SQL} ${UNDO_CONNECTED_SERIES_SQL}
      PRAGMA user_version = 14;`)
    expect(dump()[5]!.length).toBeGreaterThan(kept[5]!.length)
    temp.reopen()
    expect(temp.engine.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    expect(dump()).toEqual(kept)
  })
})
