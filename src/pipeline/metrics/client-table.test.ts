// The heavy-user table on a small dataset worked out by hand. T is a whole second; S = T / 1000 is its gold
// bucket, an event at ts falls in bucket ceil(ts / 1000), so the 5-minute window is buckets S - 299 .. S.
import { beforeEach, describe, expect, it } from 'vitest'
import { useTempEngine } from '../testing/temp-engine'
import type { ClientRow, ClientSortColumn } from '../../shared/api'
import { clientRowsQuery, pageOf } from './client-table'

const T = Date.UTC(2024, 5, 1, 12, 0, 0)
const SEC = 1000
const MIN = 60 * SEC
const THRESHOLD_MBPS = 50

const temp = useTempEngine()
let nextId = 0

beforeEach(() => {
  nextId = 0
})

type Fields = Record<string, unknown>

const connect = (ts: number, server: string, device: string, client: string, plan?: number): Fields => ({
  id: `e${++nextId}`,
  type: 'connect',
  ts,
  server,
  device,
  client,
  ...(plan === undefined ? {} : { plan_mbps: plan }),
})
const usage = (ts: number, server: string, device: string, client: string, down: number, up = 0): Fields => ({
  id: `e${++nextId}`,
  type: 'usage',
  ts,
  server,
  device,
  client,
  bytes_down: down,
  bytes_up: up,
})

function ingest(events: Fields[]): void {
  const [result] = temp.engine.ingestFrames([
    {
      source: 'test',
      seq: null,
      receivedAt: T + 3600 * SEC,
      bytes: Buffer.from(events.map((e) => JSON.stringify(e)).join('\n')),
    },
  ])
  expect(result!.rejects).toEqual([])
  expect(result!.accepted).toBe(events.length)
}

/**
 * 50 Mb/s over 5 minutes is 50e6 * 300 / 8 = 1,875,000,000 bytes.
 * - alice: a1 on s1 (1.5e9 B), a2 on s2 (0.375e9 B) = 1.875e9 B = exactly 50 Mb/s, heavy. Main server s1.
 *   Plan: her latest connect (a1, 200 Mb/s) wins over an older one (a2, 100 Mb/s): high.
 * - bob: 5e8 B on s1 = 13.33 Mb/s; 999 B exactly at T - 5 min fall outside the window. Plan 50: medium.
 * - carol: 1.25e8 B on s2 = 3.33 Mb/s. Plan 10: low.
 * - dave: no usage in the window, no plan; his latest connect (d2, s1) names his server.
 * - frank: one byte short of the threshold on s3, alone there: not heavy, 100 % of s3.
 * - erin: first seen after T, so not a client yet.
 * s1 carries 1.5e9 + 5e8 = 2e9 B (alice 75 %, bob 25 %); s2 carries 3.75e8 + 1.25e8 = 5e8 B (carol 25 %).
 */
function ingestDataset(): void {
  ingest([
    connect(T - 40 * MIN, 's2', 'a2', 'alice', 100),
    connect(T - 30 * MIN, 's1', 'a1', 'alice', 200),
    usage(T - 2 * MIN, 's1', 'a1', 'alice', 1_200_000_000, 300_000_000),
    usage(T - 1 * MIN, 's2', 'a2', 'alice', 375_000_000),
    connect(T - 20 * MIN, 's1', 'b1', 'bob', 50),
    usage(T - 5 * MIN, 's1', 'b1', 'bob', 999),
    usage(T, 's1', 'b1', 'bob', 400_000_000, 100_000_000),
    connect(T - 20 * MIN, 's2', 'c1', 'carol', 10),
    usage(T - 4 * MIN, 's2', 'c1', 'carol', 125_000_000),
    connect(T - 20 * MIN, 's2', 'd1', 'dave'),
    connect(T - 10 * MIN, 's1', 'd2', 'dave'),
    usage(T - 9 * MIN, 's1', 'd2', 'dave', 1_000_000),
    connect(T - 30 * MIN, 's3', 'f1', 'frank', 500),
    usage(T - 3 * MIN, 's3', 'f1', 'frank', 1_874_999_999),
    connect(T + SEC, 's1', 'e1', 'erin', 20),
    usage(T + 2 * SEC, 's1', 'e1', 'erin', 5_000_000_000),
  ])
}

const rowsAt = (t = T, threshold = THRESHOLD_MBPS) => clientRowsQuery(temp.engine.db)(t, threshold)
const byClient = (rows: ClientRow[]) => new Map(rows.map((r) => [r.client, r]))

describe('client rows', () => {
  it('computes throughput over 5 min, share of the main server, devices, plan class and the heavy flag', () => {
    ingestDataset()
    const rows = byClient(rowsAt())
    expect([...rows.keys()].sort()).toEqual(['alice', 'bob', 'carol', 'dave', 'frank'])

    expect(rows.get('alice')).toEqual({
      client: 'alice',
      server: 's1',
      bps: 50_000_000,
      shareOfServer: 0.75,
      devices: 2,
      planMbps: 200,
      planClass: 'high',
      lastSeen: T - 1 * MIN,
      heavy: true,
    })
    expect(rows.get('bob')).toMatchObject({
      server: 's1',
      shareOfServer: 0.25,
      devices: 1,
      planMbps: 50,
      planClass: 'medium',
      lastSeen: T,
      heavy: false,
    })
    expect(rows.get('bob')!.bps).toBeCloseTo((500_000_000 * 8) / 300, 6)
    expect(rows.get('carol')).toMatchObject({ server: 's2', shareOfServer: 0.25, planClass: 'low' })
    expect(rows.get('carol')!.bps).toBeCloseTo((125_000_000 * 8) / 300, 6)
    expect(rows.get('dave')).toEqual({
      client: 'dave',
      server: 's1',
      bps: 0,
      shareOfServer: null,
      devices: 2,
      planMbps: null,
      planClass: 'unknown',
      lastSeen: T - 9 * MIN,
      heavy: false,
    })
    expect(rows.get('frank')).toMatchObject({
      server: 's3',
      shareOfServer: 1,
      planClass: 'high',
      heavy: false,
    })
    expect(rows.get('frank')!.bps).toBeLessThan(50_000_000)
  })

  it('marks a client heavy at exactly the threshold and not just above it', () => {
    ingestDataset()
    expect(byClient(rowsAt(T, 50)).get('alice')!.heavy).toBe(true)
    expect(byClient(rowsAt(T, 50.000_001)).get('alice')!.heavy).toBe(false)
    expect(
      rowsAt(T, 10)
        .filter((r) => r.heavy)
        .map((r) => r.client)
        .sort(),
    ).toEqual(['alice', 'bob', 'frank'])
  })

  it('counts only the devices a client had at T, and takes its server from the latest of their connects', () => {
    ingestDataset()
    ingest([connect(T + 5 * MIN, 's9', 'd3', 'dave')])
    const dave = byClient(rowsAt()).get('dave')!
    expect(dave.devices).toBe(2)
    expect(dave.server).toBe('s1')
    // Later, d3 is his device too and his latest connect.
    const later = byClient(rowsAt(T + 10 * MIN)).get('dave')!
    expect(later.devices).toBe(3)
    expect(later.server).toBe('s9')
  })

  it('forgets usage once it leaves the window and counts clients first seen since', () => {
    ingestDataset()
    // T' = T + 299 s: the window is (T - 1 s, T + 299 s], which keeps bob's bytes at T and erin's at T + 2 s.
    const rows = byClient(rowsAt(T + 5 * MIN - SEC))
    expect(rows.get('alice')).toMatchObject({ bps: 0, heavy: false, shareOfServer: null })
    expect(rows.get('erin')).toMatchObject({ server: 's1', heavy: true, planClass: 'low' })
    expect(rows.get('bob')!.shareOfServer).toBeCloseTo(500_000_000 / 5_500_000_000, 12)
  })
})

const row = (client: string, fields: Partial<ClientRow> = {}): ClientRow => ({
  client,
  server: 's1',
  bps: 0,
  shareOfServer: null,
  devices: 1,
  planMbps: null,
  planClass: 'unknown',
  lastSeen: T,
  heavy: false,
  ...fields,
})

const ROWS: ClientRow[] = [
  row('c-a', { server: 's2', bps: 300, shareOfServer: 0.5, devices: 3, planMbps: 50, lastSeen: T - 3 }),
  row('c-b', { server: null, bps: 100, devices: 1, lastSeen: T - 1 }),
  row('c-c', { server: 's1', bps: 200, shareOfServer: 0.2, devices: 2, planMbps: 10, lastSeen: T - 2 }),
  row('c-d', { server: 's1', bps: 400, shareOfServer: 0.8, devices: 4, planMbps: 200, lastSeen: T - 4 }),
]
const VIEW = { sort: { column: 'bps' as ClientSortColumn, desc: true }, search: '', heavyOnly: false }
const clientsOf = (page: { rows: ClientRow[] }) => page.rows.map((r) => r.client)

describe('pageOf', () => {
  it.each<[ClientSortColumn, string[], string[]]>([
    ['client', ['c-a', 'c-b', 'c-c', 'c-d'], ['c-d', 'c-c', 'c-b', 'c-a']],
    // c-c and c-d share s1: they stay in client order both ways; c-b has no server.
    ['server', ['c-c', 'c-d', 'c-a', 'c-b'], ['c-a', 'c-c', 'c-d', 'c-b']],
    ['bps', ['c-b', 'c-c', 'c-a', 'c-d'], ['c-d', 'c-a', 'c-c', 'c-b']],
    ['shareOfServer', ['c-c', 'c-a', 'c-d', 'c-b'], ['c-d', 'c-a', 'c-c', 'c-b']],
    ['devices', ['c-b', 'c-c', 'c-a', 'c-d'], ['c-d', 'c-a', 'c-c', 'c-b']],
    ['planMbps', ['c-c', 'c-a', 'c-d', 'c-b'], ['c-d', 'c-a', 'c-c', 'c-b']],
    ['lastSeen', ['c-d', 'c-a', 'c-c', 'c-b'], ['c-b', 'c-c', 'c-a', 'c-d']],
  ])('sorts by %s both ways, nulls last either way', (column, ascending, descending) => {
    expect(clientsOf(pageOf(ROWS, { ...VIEW, sort: { column, desc: false } }, 0, 10))).toEqual(ascending)
    expect(clientsOf(pageOf(ROWS, { ...VIEW, sort: { column, desc: true } }, 0, 10))).toEqual(descending)
  })

  it('breaks ties by client name', () => {
    const tied = [row('z'), row('m'), row('a')]
    expect(clientsOf(pageOf(tied, VIEW, 0, 10))).toEqual(['a', 'm', 'z'])
    expect(clientsOf(pageOf(tied, { ...VIEW, sort: { column: 'bps', desc: false } }, 0, 10))).toEqual([
      'a',
      'm',
      'z',
    ])
  })

  it('filters by search (client or server, any case), server, plan class and heavy only', () => {
    const rows = [
      ...ROWS,
      row('Heavy-One', { server: 's2', bps: 1e9, heavy: true, planMbps: 300, planClass: 'high' }),
    ]
    expect(clientsOf(pageOf(rows, { ...VIEW, search: '  HEAVY ' }, 0, 10))).toEqual(['Heavy-One'])
    expect(clientsOf(pageOf(rows, { ...VIEW, search: 's2' }, 0, 10))).toEqual(['Heavy-One', 'c-a'])
    expect(clientsOf(pageOf(rows, { ...VIEW, server: 's1' }, 0, 10))).toEqual(['c-d', 'c-c'])
    expect(clientsOf(pageOf(rows, { ...VIEW, planClass: 'unknown' }, 0, 10))).toEqual([
      'c-d',
      'c-a',
      'c-c',
      'c-b',
    ])
    expect(clientsOf(pageOf(rows, { ...VIEW, planClass: 'high' }, 0, 10))).toEqual(['Heavy-One'])
    const heavy = pageOf(rows, { ...VIEW, heavyOnly: true }, 0, 10)
    expect(heavy).toEqual({ total: 1, rows: [rows[4]] })
    expect(pageOf(rows, { ...VIEW, heavyOnly: true, server: 's1' }, 0, 10)).toEqual({ total: 0, rows: [] })
  })

  it('pages the filtered, sorted rows and counts them all', () => {
    const page = pageOf(ROWS, VIEW, 1, 2)
    expect(page).toEqual({ total: 4, rows: [ROWS[0], ROWS[2]] })
    expect(pageOf(ROWS, VIEW, 3, 2).rows).toEqual([ROWS[1]])
    expect(pageOf(ROWS, VIEW, 10, 2)).toEqual({ total: 4, rows: [] })
  })

  it('answers each view of the same rows in its own order when views alternate', () => {
    const byBps = { ...VIEW, sort: { column: 'bps' as const, desc: true } }
    const byClientAsc = { ...VIEW, sort: { column: 'client' as const, desc: false } }
    expect(clientsOf(pageOf(ROWS, byBps, 0, 2))).toEqual(['c-d', 'c-a'])
    expect(clientsOf(pageOf(ROWS, byClientAsc, 0, 2))).toEqual(['c-a', 'c-b'])
    expect(clientsOf(pageOf(ROWS, byBps, 2, 2))).toEqual(['c-c', 'c-b'])
    expect(pageOf(ROWS, { ...byBps, search: 'c-d ' }, 0, 2).total).toBe(1)
    // Other rows (the next second's) are sorted afresh.
    const next = ROWS.map((r) => ({ ...r, bps: r.client === 'c-b' ? 1e9 : r.bps }))
    expect(clientsOf(pageOf(next, byBps, 0, 2))).toEqual(['c-b', 'c-d'])
  })

  it('leaves the rows it is given in their order', () => {
    const copy = [...ROWS]
    pageOf(ROWS, { ...VIEW, sort: { column: 'client', desc: true } }, 0, 10)
    expect(ROWS).toEqual(copy)
  })

  it('pages and sorts 100,000 rows', () => {
    const many: ClientRow[] = Array.from({ length: 100_000 }, (_, i) =>
      row(`client-${String((i * 7919) % 100_000).padStart(6, '0')}`, {
        server: i % 50 === 0 ? null : `s${i % 12}`,
        bps: (i * 104_729) % 200_000_000,
        shareOfServer: i % 3 === 0 ? null : (i % 997) / 997,
        devices: 1 + (i % 4),
        planMbps: i % 10 === 0 ? null : 10 * (1 + (i % 30)),
        lastSeen: T - ((i * 31) % 300_000),
        heavy: (i * 104_729) % 200_000_000 >= 50e6,
      }),
    )
    for (const column of ['client', 'bps', 'server', 'lastSeen'] as const) {
      const page = pageOf(many, { ...VIEW, sort: { column, desc: true } }, 50_000, 100)
      expect(page.total).toBe(100_000)
      expect(page.rows).toHaveLength(100)
    }
    const filtered = pageOf(many, { ...VIEW, heavyOnly: true, search: 'client-0' }, 0, 100)
    expect(filtered.rows.every((r) => r.heavy && r.client.startsWith('client-0'))).toBe(true)
  })
})
