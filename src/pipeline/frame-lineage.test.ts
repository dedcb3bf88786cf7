// A frame's records are not copied to bronze: its landing bytes, split again, are its bronze. Lineage, rejects,
// duplicates and rebuild hold as when they were, and a database written before migration 8 keeps its own.
import Database from 'better-sqlite3'
import { writeFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { receivedRecord } from './bronze/lineage'
import { ArrivalReader, type SourceRecord } from './bronze/source-records'
import { splitFrame } from './bronze/records'
import { MIGRATIONS } from './db/migrations'
import { Engine, type FileBatch } from './engine'
import { importFile } from './importers/import-file'
import type { LandingPayload } from './landing/landing-writer'
import { normalize } from './silver/normalize'
import { sortedRows, tablesLike } from './testing/batches'
import { connectEvent } from './testing/connect-event'
import { frame, tempDir } from './testing/temp-db'

const T = Date.UTC(2026, 10, 28, 12, 0, 0)
const RECEIVED = T + 60_000

const connect = (id: string, device: string, ts = T) => connectEvent(id, device, ts)
const usage = (id: string, device: string, down: number, ts = T + 1000) => ({
  id,
  type: 'usage',
  ts,
  server: 's1',
  device,
  client: `c-${device}`,
  bytes_down: down,
  bytes_up: 1,
})
const line = (e: object) => JSON.stringify(e)

const chunk = (text: string, index = 0): { index: number; payload: LandingPayload } => ({
  index,
  payload: {
    source: 'file:events.log',
    kind: 'file-chunk',
    seq: String(index),
    receivedAt: RECEIVED,
    bytes: Buffer.from(text),
    error: null,
  },
})
const fileRecords = (lines: string[], chunkIndex: number, firstLine: number): FileBatch['records'] =>
  lines.map((raw, i) => ({ line: firstLine + i, format: 'json', raw, chunk: chunkIndex }))

/** Silver, its rejects and duplicates, and every gold table, rows sorted. */
function dump(engine: Engine, silverColumns = '*') {
  const rows = (sql: string) => sortedRows(engine.db, sql)
  return {
    silver_events: rows(`SELECT ${silverColumns} FROM silver_events`),
    silver_quarantine: rows(
      'SELECT bronze_id, landing_id, line, field, reason, raw, received_at FROM silver_quarantine',
    ),
    silver_duplicates: rows(
      'SELECT bronze_id, landing_id, line, event_id, received_at FROM silver_duplicates',
    ),
    ...Object.fromEntries(
      tablesLike(engine.db, 'gold_%').map((name) => [name, rows(`SELECT * FROM ${name}`)]),
    ),
  }
}

describe('frames without bronze rows', () => {
  let dir: ReturnType<typeof tempDir>
  let engine: Engine
  beforeEach(() => {
    dir = tempDir()
    engine = Engine.open(dir.path('vigia.db'))
  })
  afterEach(() => {
    engine.close()
    dir.remove()
  })

  it("leads a frame's silver row to its landing payload and the exact record, from every kind of frame", () => {
    const texts = [
      `\n  ${line(connect('a', 'd1'))}  \r\n\n${line(usage('b', 'd1', 10))}\n`,
      JSON.stringify([connect('c', 'd2'), usage('d', 'd2', 20)], null, 2),
      JSON.stringify({ seq: 7, events: [connect('e', 'd3'), usage('f', 'd3', 30)] }),
      `{\n  "id": "g", "type": "connect", "ts": ${T},\n  "server": "s1", "device": "d4", "client": "c"\n}`,
    ]
    const results = engine.ingestFrames(texts.map((t) => frame(t, null, RECEIVED)))
    expect(results.map((r) => r.accepted)).toEqual([2, 2, 2, 1])
    expect(engine.db.prepare('SELECT count(*) FROM bronze_records').pluck().get()).toBe(0)

    const rows = engine.db
      .prepare<[], { event_id: string; bronze_id: number; landing_id: number; line: number }>(
        'SELECT event_id, bronze_id, landing_id, line FROM silver_events ORDER BY id',
      )
      .all()
    const source = receivedRecord(engine.db)
    for (const row of rows) {
      const f = results.findIndex((r) => r.landingId === row.landing_id)
      const split = splitFrame(Buffer.from(texts[f]!))
      const record = split.ok ? split.records.find((r) => r.line === row.line) : undefined
      expect(row.bronze_id).toBe(0)
      expect(record && JSON.parse(record.raw).id).toBe(row.event_id)
      expect(source(row)).toEqual({
        landingId: results[f]!.landingId,
        source: 'test',
        kind: 'frame',
        line: row.line,
        raw: record!.raw,
        bronzeId: 0,
      })
    }
    // NDJSON keeps the record's own text: the line trimmed, on its line of the frame.
    expect(rows.slice(0, 2).map((r) => source(r)!.raw)).toEqual([
      line(connect('a', 'd1')),
      line(usage('b', 'd1', 10)),
    ])
    expect(rows.slice(0, 2).map((r) => r.line)).toEqual([2, 4])
    expect(rows[6]!.line).toBe(1)
  })

  it("quarantines a frame's malformed records with reason and raw text, and keeps its other records", () => {
    const lines = [
      line(connect('a', 'd1')),
      '{"id": "b", "type":',
      line(usage('c', 'd1', -5)),
      line(usage('d', 'd1', 7)),
    ]
    const [result] = engine.ingestFrames([frame(lines.join('\n'), null, RECEIVED)])
    expect(result).toMatchObject({ accepted: 2, rejected: 2, duplicates: 0, error: null })
    const rejects = engine.db
      .prepare<
        [],
        {
          bronze_id: number
          landing_id: number
          line: number
          field: string | null
          reason: string
          raw: string
        }
      >('SELECT bronze_id, landing_id, line, field, reason, raw FROM silver_quarantine ORDER BY id')
      .all()
    expect(rejects).toEqual([
      {
        bronze_id: 0,
        landing_id: result!.landingId,
        line: 2,
        field: null,
        reason: expect.stringMatching(/^invalid JSON/),
        raw: lines[1],
      },
      {
        bronze_id: 0,
        landing_id: result!.landingId,
        line: 3,
        field: 'bytes_down',
        reason: 'must not be negative',
        raw: lines[2],
      },
    ])
    const source = receivedRecord(engine.db)
    expect(rejects.map((r) => source(r)?.raw)).toEqual([lines[1], lines[2]])
    expect(engine.db.prepare('SELECT event_id FROM silver_events ORDER BY id').pluck().all()).toEqual([
      'a',
      'd',
    ])
  })

  it('rebuilds silver and gold identical after frames and file imports, in the order they arrived', async () => {
    // A file's records name the chunk being read when they were parsed, which may have landed before frames
    // that came in between: those records still count after the frames (the frame's 'x' is the event).
    const [f1] = engine.ingestFrames([
      frame([line(connect('a', 'd1')), line(usage('b', 'd1', 5))].join('\n'), null, RECEIVED),
    ])
    engine.landFileBatch(
      {
        chunks: [chunk('...', 0)],
        records: fileRecords([line(connect('p', 'd2'))], 0, 1),
        receivedAt: RECEIVED,
      },
      new Map(),
    )
    const chunkId = f1!.landingId + 1
    const [f2] = engine.ingestFrames([
      frame([line(usage('x', 'd1', 100)), line(usage('a', 'd9', 1)), '{bad'].join('\n'), null, RECEIVED),
    ])
    const second = engine.landFileBatch(
      {
        chunks: [],
        records: fileRecords(
          [line(usage('x', 'd2', 999)), line(usage('q', 'd2', 9)), line({ id: 'r' })],
          0,
          2,
        ),
        receivedAt: RECEIVED,
      },
      new Map([[0, chunkId]]),
    )
    expect(second.outcomes.get(chunkId)).toMatchObject({ accepted: 1, duplicates: 1, rejected: 1 })
    expect(f2).toMatchObject({ accepted: 1, duplicates: 1, rejected: 1 })
    // And a whole file through the importer, then a frame that repeats one of its events.
    const path = dir.path('events.log')
    writeFileSync(path, [usage('i1', 'd3', 3), connect('i2', 'd3'), usage('x', 'd3', 4)].map(line).join('\n'))
    expect(await importFile(engine, path)).toMatchObject({ accepted: 2, duplicates: 1 })
    engine.ingestFrames([frame(line(usage('i1', 'd3', 33)), null, RECEIVED)])

    expect(engine.db.prepare(`SELECT device FROM silver_events WHERE event_id = 'x'`).pluck().get()).toBe(
      'd1',
    )
    const before = dump(engine)
    expect(engine.rebuild()).toBe(RECEIVED)
    expect(dump(engine)).toEqual(before)
  })

  it('reads frames and file records in arrival order, in batches and across pages of either stream', () => {
    // 1,200 frames (pages of 500) with a file batch after every 100th, naming the file's first chunk.
    const chunkIds = new Map<number, number>()
    for (let i = 0; i < 1_200; i++) {
      engine.ingestFrames([frame(line(usage(`f${i}`, `d${i % 7}`, i)), null, RECEIVED)])
      if (i % 100 !== 99) continue
      const batch = engine.landFileBatch(
        {
          chunks: chunkIds.size === 0 ? [chunk('...')] : [],
          records: fileRecords([line(usage(`file${i}`, 'd1', i)), line(usage(`f${i}`, 'd2', 1))], 0, i),
          receivedAt: RECEIVED,
        },
        chunkIds,
      )
      for (const [index, id] of batch.ids) chunkIds.set(index, id)
    }
    const key = (r: SourceRecord) => `${r.landing_id}:${r.line}:${r.bronze_id}`
    const reader = new ArrivalReader(engine.db)
    const all = reader.read(0, 0, 1_000_000)
    expect(all.more).toBe(false)
    expect(all.records).toHaveLength(1_224)
    // Each file batch comes right after the frame before it.
    const ids = all.records.map((r) => JSON.parse(r.raw).id as string)
    expect(ids.slice(99, 103)).toEqual(['f99', 'file99', 'f99', 'f100'])

    const inBatches: SourceRecord[] = []
    let landingId = 0
    let bronzeId = 0
    for (let more = true; more;) {
      const batch = reader.read(landingId, bronzeId, 7)
      inBatches.push(...batch.records)
      landingId = batch.landingId
      bronzeId = batch.records.findLast((r) => r.bronze_id > 0)?.bronze_id ?? bronzeId
      more = batch.more
    }
    expect(inBatches.map(key)).toEqual(all.records.map(key))

    const before = dump(engine)
    engine.rebuild()
    expect(dump(engine)).toEqual(before)
  })
})

describe('a database written before frames left bronze (schema 7)', () => {
  let dir: ReturnType<typeof tempDir>
  beforeEach(() => {
    dir = tempDir()
  })
  afterEach(() => dir.remove())

  const frame1 = [line(connect('e1', 'd1')), line(usage('e2', 'd1', 50)), '[1]', line(connect('e1', 'd7'))]
  const frame2 = [line(connect('e1', 'd8')), line(usage('e3', 'd1', 70))]
  const fileLines = [line(connect('e5', 'd5')), line(usage('e6', 'd5', 90))]
  const frame4 = [line(usage('e4', 'd1', 10)), line(usage('e3', 'd1', 71))]

  /**
   * Schema 7, written as Vigia wrote it then: every record of a frame in bronze, frame 1 read into silver
   * (gold not folded yet), frame 2 and a file chunk landed but not read.
   */
  function writeVersion7(path: string): void {
    const db = new Database(path)
    for (const m of MIGRATIONS.slice(0, 7)) {
      if (typeof m === 'string') db.exec(m)
      else {
        db.exec(m.sql)
        m.then(db)
      }
    }
    db.pragma('user_version = 7')
    const land = db.prepare(
      `INSERT INTO landing_payloads (source, kind, seq, received_at, bytes) VALUES (?, ?, NULL, ?, ?)`,
    )
    const bronze = db.prepare(
      'INSERT INTO bronze_records (landing_id, line, format, received_at, raw) VALUES (?, ?, ?, ?, ?)',
    )
    const landed: [string, 'frame' | 'file-chunk', string[]][] = [
      ['test', 'frame', frame1],
      ['test', 'frame', frame2],
      ['file:events.log', 'file-chunk', fileLines],
    ]
    for (const [source, kind, lines] of landed) {
      const id = land.run(source, kind, RECEIVED, Buffer.from(lines.join('\n'))).lastInsertRowid
      lines.forEach((raw, i) => bronze.run(id, i + 1, 'json', RECEIVED, raw))
    }
    // Frame 1 through the silver of schema 7: bronze ids 1 to 4.
    const context = { receivedAt: RECEIVED, seedTimeZone: 'UTC', seedServer: 'seed' }
    const insert = db.prepare(
      `INSERT OR IGNORE INTO silver_events (event_id, ts, type, server, device, client, peer, device_type,
         plan_mbps, ip, bytes_down, bytes_up, bytes, duration_ms, bronze_id)
       VALUES (@event_id, @ts, @type, @server, @device, @client, @peer, @device_type, @plan_mbps, @ip,
         @bytes_down, @bytes_up, @bytes, @duration_ms, @bronze_id)`,
    )
    frame1.forEach((raw, i) => {
      const result = normalize(raw, 'json', context)
      const bronzeId = i + 1
      if (!result.ok) {
        db.prepare(
          `INSERT INTO silver_quarantine (bronze_id, landing_id, line, field, reason, raw, received_at)
           VALUES (?, 1, ?, ?, ?, ?, ?)`,
        ).run(bronzeId, i + 1, result.rejection.field, result.rejection.reason, raw, RECEIVED)
      } else if (insert.run({ ...result.event, bronze_id: bronzeId }).changes === 0) {
        db.prepare('INSERT INTO silver_duplicates VALUES (?, 1, ?, ?)').run(
          bronzeId,
          result.event.event_id,
          RECEIVED,
        )
      }
    })
    db.prepare(`UPDATE pipeline_watermarks SET last_id = 4 WHERE stage = 'silver'`).run()
    db.close()
  }

  /** The same payloads, received by this version. */
  function receiveNow(engine: Engine): void {
    engine.ingestFrames([frame(frame1.join('\n'), null, RECEIVED), frame(frame2.join('\n'), null, RECEIVED)])
    engine.landFileBatch(
      { chunks: [chunk(fileLines.join('\n'))], records: fileRecords(fileLines, 0, 1), receivedAt: RECEIVED },
      new Map(),
    )
    engine.ingestFrames([frame(frame4.join('\n'), null, RECEIVED)])
  }

  it('migrates keeping its bronze rows as lineage, catches up, and rebuilds identically', () => {
    const path = dir.path('v7.db')
    writeVersion7(path)
    const migrated = Engine.open(path)
    const fresh = Engine.open(dir.path('fresh.db'))
    try {
      expect(migrated.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
      // The duplicate read before the migration keeps its bronze row and gains its line.
      expect(
        migrated.db.prepare('SELECT bronze_id, landing_id, line, event_id FROM silver_duplicates').all(),
      ).toEqual([{ bronze_id: 4, landing_id: 1, line: 4, event_id: 'e1' }])

      // Frame 2 and the file chunk are read from bronze, frame 4 from its landing bytes.
      const [result] = migrated.ingestFrames([frame(frame4.join('\n'), null, RECEIVED)])
      expect(result).toMatchObject({ landingId: 4, accepted: 1, duplicates: 1 })
      receiveNow(fresh)

      const lineage = migrated.db
        .prepare<[], { event_id: string; bronze_id: number; landing_id: number | null; line: number | null }>(
          'SELECT event_id, bronze_id, landing_id, line FROM silver_events ORDER BY id',
        )
        .all()
      expect(lineage).toEqual([
        { event_id: 'e1', bronze_id: 1, landing_id: null, line: null },
        { event_id: 'e2', bronze_id: 2, landing_id: null, line: null },
        { event_id: 'e3', bronze_id: 6, landing_id: 2, line: 2 },
        { event_id: 'e5', bronze_id: 7, landing_id: 3, line: 1 },
        { event_id: 'e6', bronze_id: 8, landing_id: 3, line: 2 },
        { event_id: 'e4', bronze_id: 0, landing_id: 4, line: 1 },
      ])
      const source = receivedRecord(migrated.db)
      expect(lineage.map((row) => source(row)?.raw)).toEqual([
        frame1[0],
        frame1[1],
        frame2[1],
        fileLines[0],
        fileLines[1],
        frame4[0],
      ])

      // The same answers as this version gives for the same payloads, and again after a rebuild.
      const events = `id, event_id, ts, type, server, device, client, peer, device_type, plan_mbps, ip, bytes_down,
        bytes_up, bytes, duration_ms`
      const sameAsFresh = (engine: Engine) => {
        const { silver_quarantine, silver_duplicates, ...rest } = dump(engine, events)
        const withoutBronze = (rows: string[]) =>
          rows.map((r) => JSON.stringify(JSON.parse(r).slice(1))).sort()
        return {
          ...rest,
          silver_quarantine: withoutBronze(silver_quarantine),
          silver_duplicates: withoutBronze(silver_duplicates),
        }
      }
      const expected = sameAsFresh(fresh)
      expect(sameAsFresh(migrated)).toEqual(expected)
      migrated.rebuild()
      expect(sameAsFresh(migrated)).toEqual(expected)
      // Frames with bronze rows are still read from them.
      expect(migrated.db.prepare('SELECT bronze_id FROM silver_events ORDER BY id').pluck().all()).toEqual([
        1, 2, 6, 7, 8, 0,
      ])
    } finally {
      migrated.close()
      fresh.close()
    }
  })
})
