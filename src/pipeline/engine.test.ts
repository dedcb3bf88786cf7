import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AlertEvaluator } from './alerts/evaluator'
import { receivedRecord } from './bronze/lineage'
import { Engine, type FrameResult, type IncomingFrame } from './engine'
import { EVERY_DEVICE_MINUTE_SQL } from './gold/device-minutes'
import { overviewQuery } from './metrics/overview'
import { tablesLike } from './testing/batches'

const T = Date.UTC(2024, 5, 1, 12, 0, 0)
const SEC = 1000
const DAY = 86_400_000

let dir: string
let engine: Engine

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-engine-'))
  engine = Engine.open(join(dir, 'vigia.db'))
})

afterEach(() => {
  engine.close()
  rmSync(dir, { recursive: true, force: true })
})

type Fields = Record<string, unknown>

const connect = (id: string, ts: number, device: string, extra: Fields = {}): Fields => ({
  id,
  type: 'connect',
  ts,
  server: 's1',
  device,
  client: `client-${device}`,
  ...extra,
})
const disconnect = (id: string, ts: number, device: string, extra: Fields = {}): Fields => ({
  id,
  type: 'disconnect',
  ts,
  server: 's1',
  device,
  ...extra,
})
const usage = (
  id: string,
  ts: number,
  device: string,
  down: number,
  up: number,
  extra: Fields = {},
): Fields => ({
  id,
  type: 'usage',
  ts,
  server: 's1',
  device,
  client: `client-${device}`,
  bytes_down: down,
  bytes_up: up,
  ...extra,
})
const flow = (id: string, ts: number, device: string, peer: string, bytes: number): Fields => ({
  id,
  type: 'flow',
  ts,
  device,
  peer,
  bytes,
})

const ndjson = (events: Fields[]) => events.map((e) => JSON.stringify(e)).join('\n')

function frame(content: string | Buffer, receivedAt = T, seq: string | null = null): IncomingFrame {
  return {
    source: 'ws:test',
    seq,
    receivedAt,
    bytes: typeof content === 'string' ? Buffer.from(content) : content,
  }
}

function ingest(events: Fields[], receivedAt = T): FrameResult {
  const [result] = engine.ingestFrames([frame(ndjson(events), receivedAt)])
  return result!
}

/** Lands events as one chunk of an imported NDJSON file: a file's records are kept in bronze. */
function importEvents(events: Fields[], receivedAt = T): void {
  const text = ndjson(events)
  engine.landFileBatch(
    {
      chunks: [
        {
          index: 0,
          payload: {
            source: 'file:test.log',
            kind: 'file-chunk',
            seq: '0',
            receivedAt,
            bytes: Buffer.from(text),
            error: null,
          },
        },
      ],
      records: events.map((e, i) => ({ line: i + 1, format: 'json', raw: JSON.stringify(e), chunk: 0 })),
      receivedAt,
    },
    new Map(),
  )
}

const count = (table: string) =>
  (engine.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n

/** Every gold table's rows in a stable order, to compare two states of gold. */
function goldSnapshot(): Record<string, unknown[]> {
  const snapshot: Record<string, unknown[]> = {}
  for (const name of tablesLike(engine.db, 'gold_%')) {
    const columns = engine.db
      .prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${name}')`)
      .all()
      .map((c) => c.name)
    snapshot[name] = engine.db.prepare(`SELECT * FROM ${name} ORDER BY ${columns.join(', ')}`).all()
  }
  return snapshot
}

interface DeviceRow {
  status: string | null
  status_ts: number | null
  connect_ts: number | null
  first_seen: number
  last_seen: number
  plan_mbps: number | null
}
const deviceRow = (device: string) =>
  engine.db.prepare('SELECT * FROM gold_devices WHERE device = ?').get(device) as DeviceRow | undefined

const connectedAt = (at: number) =>
  overviewQuery(engine.db)(at, engine.settings.get()).connections.connectedDevices

describe('Engine: landing', () => {
  it('lands every byte of every frame, including frames it cannot read', () => {
    const inputs = [
      Buffer.from(JSON.stringify(connect('a', T, 'd1'))),
      Buffer.from(`${JSON.stringify(connect('b', T, 'd2'))}\r\n{broken\r\n`),
      Buffer.from('[{"id": "c", "type": '),
      Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      Buffer.from('  \n\t '),
      Buffer.from(`[\n  ${JSON.stringify(usage('d', T, 'd1', 5, 5))}\n]\n`),
      Buffer.from(JSON.stringify(flow('é', T, 'café', 'ñ', 9))),
    ]
    const results = engine.ingestFrames(inputs.map((bytes, i) => frame(bytes, T + i, `seq-${i}`)))

    const rows = engine.db
      .prepare('SELECT id, source, kind, seq, received_at, bytes, error FROM landing_payloads ORDER BY id')
      .all() as {
      id: number
      source: string
      kind: string
      seq: string
      received_at: number
      bytes: Buffer
    }[]
    expect(rows).toHaveLength(inputs.length)
    rows.forEach((row, i) => {
      expect(Buffer.isBuffer(row.bytes)).toBe(true)
      expect(Buffer.compare(row.bytes, inputs[i]!)).toBe(0)
      expect(row).toMatchObject({
        id: results[i]!.landingId,
        source: 'ws:test',
        kind: 'frame',
        seq: `seq-${i}`,
        received_at: T + i,
      })
    })
    expect(results.map((r) => r.error)).toEqual([
      null,
      null,
      expect.stringMatching(/^frame is not a valid JSON array/),
      'frame is not valid UTF-8',
      'frame is empty',
      null,
      null,
    ])
    expect(results.map((r) => [r.accepted, r.rejected])).toEqual([
      [1, 0],
      [1, 1],
      [0, 0],
      [0, 0],
      [0, 0],
      [1, 0],
      [1, 0],
    ])
  })

  it('reports a frame that is a broken JSON array, lands it and reads nothing from it', () => {
    const text = `[${JSON.stringify(connect('a', T, 'd1'))}, {"id": "b"`
    const [result] = engine.ingestFrames([frame(text)])
    expect(result).toMatchObject({ accepted: 0, duplicates: 0, rejected: 0, rejects: [] })
    expect(result!.error).toMatch(/^frame is not a valid JSON array: /)

    const landed = engine.db
      .prepare('SELECT bytes, error FROM landing_payloads WHERE id = ?')
      .get(result!.landingId) as { bytes: Buffer; error: string }
    expect(landed.bytes.toString('utf8')).toBe(text)
    expect(landed.error).toBe(result!.error)
    expect(count('bronze_records')).toBe(0)
    expect(count('silver_events')).toBe(0)
  })

  it('keeps the good lines of an NDJSON frame with one bad line', () => {
    // Line 3 is blank: it is skipped, but later lines keep their position in the frame.
    const text = [
      JSON.stringify(connect('a', T, 'd1')),
      '{"id": "b", "type": "connect"',
      '',
      JSON.stringify(usage('c', T, 'd1', 100, 20)),
    ].join('\n')
    const [result] = engine.ingestFrames([frame(text)])
    expect(result).toMatchObject({ error: null, accepted: 2, duplicates: 0, rejected: 1 })
    // The blank third line is no record: the bad line is record 1 (0-based) on line 2.
    expect(result!.rejects).toEqual([
      { index: 1, line: 2, field: null, reason: expect.stringMatching(/^invalid JSON: /) },
    ])
    const ids = engine.db.prepare('SELECT event_id FROM silver_events ORDER BY id').pluck().all()
    expect(ids).toEqual(['a', 'c'])
  })

  it('keeps the good elements of a JSON array frame with one bad element', () => {
    const text = JSON.stringify([connect('a', T, 'd1'), 'not an event', usage('c', T, 'd1', -1, 0)])
    const [result] = engine.ingestFrames([frame(text)])
    expect(result).toMatchObject({ error: null, accepted: 1, rejected: 2 })
    expect(result!.rejects).toEqual([
      { index: 1, line: 2, field: null, reason: 'a record must be a JSON object' },
      { index: 2, line: 3, field: 'bytes_down', reason: 'must not be negative' },
    ])
  })
})

describe('Engine: duplicates and replays', () => {
  it('counts duplicate event ids and keeps the first event with that id', () => {
    const first = ingest([connect('e1', T, 'd1', { client: 'first', plan_mbps: 10 })])
    const second = ingest([
      connect('e1', T + SEC, 'd9', { client: 'second', plan_mbps: 99 }),
      connect('e2', T, 'd2'),
    ])
    // Within one frame too: the earlier line wins.
    const third = ingest([
      usage('e3', T, 'd1', 100, 1),
      usage('e3', T + 5 * SEC, 'd1', 999_999, 999_999),
      usage('e3', T, 'd1', 100, 1),
    ])
    expect([first, second, third].map((r) => [r.accepted, r.duplicates, r.rejected])).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [1, 2, 0],
    ])

    const e1 = engine.db.prepare(`SELECT * FROM silver_events WHERE event_id = 'e1'`).get()
    expect(e1).toMatchObject({ ts: T, device: 'd1', client: 'first', plan_mbps: 10 })
    const e3 = engine.db.prepare(`SELECT * FROM silver_events WHERE event_id = 'e3'`).get()
    expect(e3).toMatchObject({ ts: T, bytes_down: 100, bytes_up: 1 })

    const dups = engine.db
      .prepare('SELECT landing_id, line, bronze_id, event_id FROM silver_duplicates ORDER BY id')
      .all() as { landing_id: number; event_id: string }[]
    // A frame's records have no bronze row: (landing_id, line) is their lineage.
    expect(dups).toEqual([
      { landing_id: second.landingId, line: 1, bronze_id: 0, event_id: 'e1' },
      { landing_id: third.landingId, line: 2, bronze_id: 0, event_id: 'e3' },
      { landing_id: third.landingId, line: 3, bronze_id: 0, event_id: 'e3' },
    ])
    expect(deviceRow('d9')).toBeUndefined()
    expect(engine.db.prepare('SELECT sum(bytes_down) FROM gold_usage_second').pluck().get()).toBe(100)
  })

  it('counts nothing twice in gold when the same frames are ingested again', () => {
    const frames = [
      frame(
        ndjson([
          connect('a', T - 30 * SEC, 'd1', { plan_mbps: 50 }),
          usage('b', T - 20 * SEC, 'd1', 500, 50),
        ]),
      ),
      frame(ndjson([flow('c', T - 10 * SEC, 'd1', 'd2', 4000), disconnect('d', T - 5 * SEC, 'd1')])),
      frame(JSON.stringify([connect('e', T - 2 * SEC, 'd2'), usage('f', T - SEC, 'd2', 7, 3)])),
    ]
    engine.ingestFrames(frames)
    const gold = goldSnapshot()
    const overview = overviewQuery(engine.db)(T, engine.settings.get())

    const again = engine.ingestFrames(frames.map((f) => ({ ...f, receivedAt: T + 60 * SEC })))
    expect(again.map((r) => [r.accepted, r.duplicates])).toEqual([
      [0, 2],
      [0, 2],
      [0, 2],
    ])
    expect(goldSnapshot()).toEqual(gold)
    expect(overviewQuery(engine.db)(T, engine.settings.get())).toEqual(overview)
    expect(count('silver_events')).toBe(6)
    expect(count('landing_payloads')).toBe(6)
  })
})

describe('Engine: late and out-of-order events', () => {
  it('accepts a late connect without letting it override a newer disconnect', () => {
    ingest([disconnect('x1', T, 'd1')])
    const late = ingest([connect('c1', T - 5 * SEC, 'd1', { plan_mbps: 30 })], T + 60 * SEC)
    expect(late).toMatchObject({ accepted: 1, rejected: 0 })

    expect(deviceRow('d1')).toMatchObject({
      status: 'disconnect',
      status_ts: T,
      connect_ts: T - 5 * SEC,
      plan_mbps: 30,
      first_seen: T - 5 * SEC,
      last_seen: T,
    })
    // The late connect is counted in the second it happened, not the second it arrived.
    const buckets = engine.db
      .prepare('SELECT sec, connects, disconnects FROM gold_conn_second ORDER BY sec')
      .all()
    expect(buckets).toEqual([
      { sec: (T - 5 * SEC) / SEC, connects: 1, disconnects: 0 },
      { sec: T / SEC, connects: 0, disconnects: 1 },
    ])
    expect(connectedAt(T)).toBe(0)
    // Between its connect and its disconnect the device was connected.
    expect(connectedAt(T - SEC)).toBe(1)
  })

  it('lets a newer connect that arrives first stand against an older disconnect that arrives later', () => {
    ingest([connect('c1', T, 'd1')])
    ingest([disconnect('x1', T - 5 * SEC, 'd1')])
    expect(deviceRow('d1')).toMatchObject({ status: 'connect', status_ts: T, connect_ts: T })
    expect(connectedAt(T)).toBe(1)
  })

  it('lets a disconnect win a tie with a connect at the same ts, whatever the arrival order', () => {
    ingest([connect('c1', T, 'd1')])
    ingest([disconnect('x1', T, 'd1')])
    ingest([disconnect('x2', T, 'd2')])
    ingest([connect('c2', T, 'd2')])
    ingest([connect('c3', T, 'd3'), disconnect('x3', T, 'd3')])
    ingest([disconnect('x4', T, 'd4'), connect('c4', T, 'd4')])
    for (const device of ['d1', 'd2', 'd3', 'd4']) {
      expect(deviceRow(device)).toMatchObject({ status: 'disconnect', status_ts: T })
    }
    expect(connectedAt(T)).toBe(0)
  })
})

describe('Engine: quarantine', () => {
  it('quarantines rejected records with their landing id, line, field, reason and raw text', () => {
    const lines = [
      JSON.stringify(connect('ok', T, 'd1')),
      '  {"id": "u", "type": "usage", "ts": 1717243200000, "server": "s1", "device": "d1", "client": "c", "bytes_down": -5, "bytes_up": 0}  ',
      '[1, 2]',
      '{"id": "n", "ts": 1717243200000, "device": "d1"}',
      '{"id": "w", "type": "teleport", "ts": 1717243200000}',
    ]
    const [result] = engine.ingestFrames([frame(lines.join('\n'))])
    const expected = [
      { line: 2, field: 'bytes_down', reason: 'must not be negative' },
      { line: 3, field: null, reason: 'a record must be a JSON object' },
      { line: 4, field: 'type', reason: 'is required' },
      { line: 5, field: 'type', reason: 'must be one of connect, disconnect, usage, flow' },
    ]
    expect(result).toMatchObject({ accepted: 1, rejected: 4, rejects: expected })

    const rows = engine.db
      .prepare<
        [],
        { bronze_id: number; landing_id: number; line: number; field: string; reason: string; raw: string }
      >('SELECT bronze_id, landing_id, line, field, reason, raw FROM silver_quarantine ORDER BY id')
      .all()
    expect(rows).toEqual(
      expected.map((e) => ({
        bronze_id: 0,
        landing_id: result!.landingId,
        ...e,
        // A record is each NDJSON line without its surrounding blanks.
        raw: lines[e.line - 1]!.trim(),
      })),
    )
    // The lineage leads back to the same record, split again from the frame's landing bytes.
    const source = receivedRecord(engine.db)
    for (const row of rows) expect(source(row)).toMatchObject({ landingId: result!.landingId, raw: row.raw })
    expect(count('bronze_records')).toBe(0)
  })

  it('quarantines a record timed more than 5 min after the frame was received as in the future', () => {
    const [result] = engine.ingestFrames([frame(JSON.stringify(connect('f', T + 5 * 60 * SEC + 1, 'd1')), T)])
    expect(result!.rejects).toEqual([
      { index: 0, line: 1, field: 'ts', reason: 'is in the future: more than 5 min after it was received' },
    ])
    const q = engine.db.prepare('SELECT landing_id, line, field FROM silver_quarantine').all()
    expect(q).toEqual([{ landing_id: result!.landingId, line: 1, field: 'ts' }])
  })
})

describe('Engine: rebuild', () => {
  it('recomputes gold tables identical to the incremental ones', () => {
    engine.updateSettings({ seedTimeZone: 'America/Sao_Paulo' })
    // Usage of d3 arrives before d3's connect, so it is typed 'unknown' both times; a late connect, a tie,
    // duplicates, rejects and seed records all go through the same path again.
    ingest([usage('u0', T - 50 * SEC, 'd3', 10, 10)])
    ingest([
      connect('c1', T - 40 * SEC, 'd1', { device_type: 'mobile', plan_mbps: 20 }),
      usage('u1', T - 39 * SEC, 'd1', 1000, 100),
      flow('f1', T - 38 * SEC, 'd1', 'd2', 3000),
    ])
    ingest([
      connect('c3', T - 45 * SEC, 'd3', { device_type: 'tv', server: 's2', plan_mbps: 300 }),
      usage('u3', T - 30 * SEC, 'd3', 5000, 0, { server: 's2' }),
    ])
    ingest([disconnect('x1', T - 20 * SEC, 'd1'), connect('c1b', T - 20 * SEC, 'd1'), connect('c1', T, 'd7')])
    ingest([{ id: 'bad', type: 'usage' }, connect('c5', T - 60 * SEC, 'd5', { client: 'client-d1' })])
    engine.ingestFrames([
      frame(
        JSON.stringify({
          Nome: 'Ana',
          Ip: '10.0.0.9',
          Hora_Conexao: '2024-06-01 08:59:30',
          Dispositivo_de_Acesso: 'Celular',
          Velocidade_de_Conexao: 40,
          Status_Conexao: 'Conectado',
        }),
      ),
    ])
    const gold = goldSnapshot()
    const silver = engine.db.prepare('SELECT * FROM silver_events ORDER BY id').all()
    const quarantined = count('silver_quarantine')
    const duplicates = count('silver_duplicates')
    const overview = overviewQuery(engine.db)(T, engine.settings.get())
    // d1, d3, d5 and the seed device; 'c1' for d7 is a duplicate id and never reaches gold.
    expect(gold.gold_devices).toHaveLength(4)

    engine.rebuild()

    expect(goldSnapshot()).toEqual(gold)
    expect(engine.db.prepare('SELECT * FROM silver_events ORDER BY id').all()).toEqual(silver)
    expect(count('silver_quarantine')).toBe(quarantined)
    expect(count('silver_duplicates')).toBe(duplicates)
    expect(overviewQuery(engine.db)(T, engine.settings.get())).toEqual(overview)
  })
})

describe('Engine: one transaction per flush', () => {
  const device = (id: string) =>
    engine.db.prepare('SELECT server, status, last_seen FROM gold_devices WHERE device = ?').get(id)

  it('re-reads device states another connection changed, instead of writing back stale ones', () => {
    ingest([connect('c1', T, 'd1')])
    // A second writer (a CLI import while the app runs) moves d1 to s2.
    const other = Engine.open(join(dir, 'vigia.db'))
    other.ingestFrames([frame(ndjson([connect('c2', T + SEC, 'd1', { server: 's2' })]))])
    other.close()

    ingest([disconnect('x1', T + 2 * SEC, 'd1', { server: 's2' })])

    expect(device('d1')).toEqual({ server: 's2', status: 'disconnect', last_seen: T + 2 * SEC })
  })

  it('answers a committed flush even when the alert rules fail after it', () => {
    const run = vi.spyOn(AlertEvaluator.prototype, 'run').mockImplementation(() => {
      throw new Error('database is locked')
    })
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      const result = ingest([connect('c1', T, 'd1')])
      expect(result).toMatchObject({ accepted: 1, rejected: 0, error: null })
      expect(count('silver_events')).toBe(1)
      expect(quiet).toHaveBeenCalledWith(expect.stringContaining('alert rules failed'))
    } finally {
      run.mockRestore()
      quiet.mockRestore()
    }
    // Resent by a client that had no answer, it is a duplicate, not a second event.
    expect(ingest([connect('c1', T, 'd1')]).duplicates).toBe(1)
  })

  it('lets gold catch up from silver when it is behind, then refines new frames at once', () => {
    ingest([connect('c1', T, 'd1'), usage('u1', T + SEC, 'd1', 100, 50)])
    const gold = goldSnapshot()
    // As a database left by a version that folded gold in a later transaction: gold empty, its watermark 0.
    for (const table of Object.keys(gold)) engine.db.prepare(`DELETE FROM ${table}`).run()
    engine.db.prepare(`UPDATE pipeline_gold_watermarks SET last_id = 0 WHERE stage = 'gold'`).run()
    engine.close()
    engine = Engine.open(join(dir, 'vigia.db'))

    const result = ingest([usage('u2', T + 2 * SEC, 'd1', 1, 1)])

    expect(result.accepted).toBe(1)
    expect(device('d1')).toEqual({ server: 's1', status: 'connect', last_seen: T + 2 * SEC })
    const bytes = engine.db.prepare('SELECT sum(bytes_down + bytes_up) FROM gold_usage_second').pluck().get()
    expect(bytes).toBe(152)
  })
})

describe('Engine: retention', () => {
  const NOW = Date.UTC(2025, 0, 1)

  it('deletes landing and bronze by arrival, silver and gold by event time back from the newest event', () => {
    // Defaults: landing and bronze 7 days (by receipt, back from now), silver 30 days and per-second gold 7
    // days, per-minute gold 400 days (by event time, back from the newest event, d2 an hour before now).
    // A row exactly at a cutoff stays: deletion is strictly older.
    // a, b, c and f come from files, whose records are kept in bronze too.
    importEvents([connect('a', NOW - 401 * DAY, 'dA')], NOW - 401 * DAY)
    importEvents([usage('b', NOW - 31 * DAY, 'dB', 100, 10)], NOW - 31 * DAY)
    importEvents([connect('c', NOW - 8 * DAY, 'dC')], NOW - 8 * DAY)
    importEvents([connect('f', NOW - 7 * DAY, 'dF')], NOW - 7 * DAY)
    ingest(
      [connect('d1', NOW - 3600 * SEC, 'dD'), usage('d2', NOW - 3599 * SEC, 'dD', 50, 5)],
      NOW - 3600 * SEC,
    )
    // Received an hour ago, but happened 31 days ago: silver and gold go by event time.
    ingest([flow('e', NOW - 31 * DAY - 3600 * SEC, 'dD', 'dX', 800)], NOW - 3600 * SEC)
    ingest([flow('g', NOW - 3600 * SEC, 'dD', 'dX', 80)], NOW - 3600 * SEC)

    expect(engine.applyRetention(NOW)).toEqual({
      bronze_records: 3, // a, b, c
      landing_payloads: 3, // a, b, c
      silver_events: 3, // a, b, e
      silver_quarantine: 0,
      silver_duplicates: 0,
      gold_conn_second: 2, // a, c
      gold_usage_second: 1, // b
      gold_device_type_usage_second: 1, // b
      gold_flow_second: 1, // e
      gold_device_minutes: 3, // a, b, e: kept as long as silver
      gold_conn_minute: 1, // a
      gold_usage_minute: 0,
      gold_client_usage_parts: 1, // b: kept as long as the per-second tables
      gold_client_minutes: 1, // b: kept as long as its parts
      // a: connected for the idle timeout after its connect (30 min), as long as silver: where it began and
      // ended, and its count at each of the 30 minutes
      gold_connected_changes: 2,
      gold_connected_minutes: 30,
    })

    expect(engine.db.prepare('SELECT received_at FROM landing_payloads ORDER BY id').pluck().all()).toEqual([
      NOW - 7 * DAY,
      NOW - 3600 * SEC,
      NOW - 3600 * SEC,
      NOW - 3600 * SEC,
    ])
    expect(count('bronze_records')).toBe(1) // f: frames have no bronze rows
    expect(engine.db.prepare('SELECT event_id FROM silver_events ORDER BY event_id').pluck().all()).toEqual([
      'c',
      'd1',
      'd2',
      'f',
      'g',
    ])
    expect(engine.db.prepare('SELECT sec FROM gold_conn_second ORDER BY sec').pluck().all()).toEqual([
      (NOW - 7 * DAY) / SEC,
      (NOW - 3600 * SEC) / SEC,
    ])
    expect(count('gold_conn_minute')).toBe(3)
    expect(count('gold_usage_minute')).toBe(2)
    // dC, dF, and dD in two minutes (d1 ends one, d2 starts the next; g is in d1's).
    expect(count(`(${EVERY_DEVICE_MINUTE_SQL})`)).toBe(4)
  })

  it('keeps history dated weeks before now when it holds the newest events', () => {
    // Imported today, dated from 40 to 38 days ago: the wall clock would take it all from silver and gold.
    const old = NOW - 40 * DAY
    ingest(
      [
        connect('a', old, 'd1'),
        usage('b', old + 2 * DAY, 'd1', 100, 10),
        flow('c', old + 2 * DAY, 'd1', 'd2', 80),
        connect('d', old + 2 * DAY + SEC, 'd2'),
      ],
      NOW,
    )
    const deleted = engine.applyRetention(NOW)
    for (const table of Object.keys(deleted)) expect({ table, n: deleted[table] }).toEqual({ table, n: 0 })
    expect(count('silver_events')).toBe(4)

    // Per-second gold keeps 7 days back from the newest event (d): a's second, 2 days older, goes.
    engine.updateSettings({ retentionDays: { landing: 7, bronze: 7, silver: 30, gold: 400, goldSeconds: 1 } })
    expect(engine.applyRetention(NOW)).toMatchObject({ gold_conn_second: 1, silver_events: 0 })
  })

  it('counts back from now when the newest event is later than now', () => {
    // An event up to 5 minutes ahead of its arrival is accepted: it never makes a pass delete more.
    ingest([connect('a', NOW - 7 * DAY, 'd1'), connect('b', NOW + 4 * 60 * SEC, 'd2')], NOW)
    expect(engine.applyRetention(NOW)).toMatchObject({ gold_conn_second: 0 })
    expect(engine.applyRetention(NOW + 1)).toMatchObject({ gold_conn_second: 1 })
  })

  it('takes the retention days from the settings, and drops bronze with its landing payload', () => {
    engine.updateSettings({ retentionDays: { landing: 1, bronze: 7, silver: 2, gold: 3, goldSeconds: 1 } })
    importEvents([connect('a', NOW - 2 * DAY, 'd1')], NOW - 2 * DAY)
    importEvents([connect('b', NOW - 12 * 3600 * SEC, 'd2')], NOW - 12 * 3600 * SEC)

    const deleted = engine.applyRetention(NOW)
    expect(deleted).toMatchObject({
      landing_payloads: 1,
      silver_events: 0,
      gold_conn_second: 1,
      gold_conn_minute: 0,
    })
    // The bronze record of 'a' was within bronze's 7 days, but lineage makes it go with its payload.
    expect(engine.db.prepare('SELECT raw FROM bronze_records').pluck().all()).toEqual([
      JSON.stringify(connect('b', NOW - 12 * 3600 * SEC, 'd2')),
    ])
  })

  // Without AUTOINCREMENT, the next payload or record would reuse id 1, below silver's watermarks, and never
  // be read.
  it('keeps processing new frames and files after retention has emptied landing and bronze', () => {
    ingest([connect('a', NOW - 10 * DAY, 'd1'), connect('b', NOW - 10 * DAY, 'd2')], NOW - 10 * DAY)
    importEvents([connect('a2', NOW - 10 * DAY, 'd4')], NOW - 10 * DAY)
    engine.applyRetention(NOW)
    expect(count('landing_payloads')).toBe(0)
    expect(count('bronze_records')).toBe(0)

    const result = ingest([connect('c', NOW - SEC, 'd3')], NOW)
    expect(result.accepted).toBe(1)
    importEvents([connect('e', NOW - SEC, 'd5')], NOW)
    expect(connectedAt(NOW)).toBe(2)
  })

  // The same one stage down, when retention deletes the newest silver row (a late event).
  it('keeps folding new events into gold after retention deleted the newest silver row', () => {
    ingest([connect('a', NOW - 3600 * SEC, 'd1')], NOW - 3600 * SEC)
    ingest([connect('late', NOW - 40 * DAY, 'd2')], NOW - 3600 * SEC)
    engine.applyRetention(NOW)
    expect(count('silver_events')).toBe(1)

    expect(ingest([connect('c', NOW - SEC, 'd3')], NOW).accepted).toBe(1)
    expect(engine.db.prepare('SELECT device FROM gold_devices ORDER BY device').pluck().all()).toContain('d3')
  })

  it('reports the on-disk size of each layer', () => {
    const before = engine.layerSizes()
    expect(before.map((l) => l.layer)).toEqual(['landing', 'bronze', 'silver', 'gold', 'other'])

    const events = Array.from({ length: 2000 }, (_, i) =>
      usage(`u${i}`, T - (i % 600) * SEC, `d${i % 50}`, 1000 + i, i, { note: 'x'.repeat(60) }),
    )
    const text = ndjson(events)
    engine.ingestFrames([frame(text)])
    const afterFrame = engine.layerSizes()
    const size = (sizes: typeof afterFrame, layer: string) => sizes.find((l) => l.layer === layer)!.bytes
    // Landing holds the frame as one blob, which is also its bronze: its records are not copied again.
    expect(size(afterFrame, 'landing')).toBeGreaterThanOrEqual(text.length)
    expect(size(afterFrame, 'bronze')).toBe(size(before, 'bronze'))

    // A file's records are: bronze holds every line again as text.
    importEvents(events.map((e) => ({ ...e, id: `file-${e.id as string}` })))
    const after = engine.layerSizes()
    for (const l of after) expect(l.bytes).toBeGreaterThan(0)
    expect(size(after, 'bronze')).toBeGreaterThanOrEqual(text.length)
    expect(size(after, 'landing')).toBeGreaterThan(size(before, 'landing'))
    expect(size(after, 'bronze')).toBeGreaterThan(size(before, 'bronze'))
    expect(size(after, 'silver')).toBeGreaterThan(size(before, 'silver'))
    expect(size(after, 'gold')).toBeGreaterThan(size(before, 'gold'))
    // Both files: the database's and gold's.
    const bytes = (schema: string) =>
      (engine.db.pragma(`${schema}.page_size`, { simple: true }) as number) *
      (engine.db.pragma(`${schema}.page_count`, { simple: true }) as number)
    expect(after.reduce((a, l) => a + l.bytes, 0)).toBeLessThanOrEqual(bytes('main') + bytes('gold'))
  })
})
