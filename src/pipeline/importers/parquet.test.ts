import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { parquetMetadata } from 'hyparquet'
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../engine'
import { fileHash, landedFileHash } from '../testing/import-helpers'
import { tempDir } from '../testing/temp-db'
import { importFile, type ImportProgress } from './import-file'
import { toRecord } from './parquet'

const T = Math.floor(Date.now() / 1000) * 1000 - 3_600_000

const parquet = (columnData: ColumnSource[], layout: { rowGroupSize?: number[]; pageSize?: number } = {}) =>
  Buffer.from(parquetWriteBuffer({ columnData, ...layout }))

/** Local times as the seed wrote them; in America/Sao_Paulo (UTC-3 all year since 2019). */
const seedRows = [
  ['Maria Souza', 'Rua das Flores, 120', '189.45.12.9', '2023-08-01 14:05:33', 'Celular', 100, 'Conectado'],
  ['João Lima', null, '10.0.0.7', '2023-08-01 15:30:00.250', 'Computador', 300, 'Conectado'],
  [
    'Maria Souza',
    'Rua das Flores, 120',
    '189.45.12.9',
    '2023-08-01 16:00:00',
    'Celular',
    100,
    'Desconectado',
  ],
  ['Ana Reis', 'Rua B, 5', '10.0.0.8', '2023-08-01 17:00:00', 'Tablet', 50, 'Conectado'],
] as const

const column = (i: number) => seedRows.map((row) => row[i])

function seedParquet(horaConexao: 'string' | 'timestamp'): Buffer {
  return parquet([
    { name: 'Nome', data: column(0), type: 'STRING' },
    { name: 'Endereco', data: column(1), type: 'STRING' },
    { name: 'Ip', data: column(2), type: 'STRING' },
    horaConexao === 'string'
      ? { name: 'Hora_Conexao', data: column(3), type: 'STRING' }
      : {
          name: 'Hora_Conexao',
          // The wall clock stored as if it were UTC, as a naive local timestamp is in Parquet.
          data: column(3).map((text) => new Date(`${(text as string).replace(' ', 'T')}Z`)),
          type: 'TIMESTAMP',
        },
    { name: 'Dispositivo_de_Acesso', data: column(4), type: 'STRING' },
    // Text in one file and a number in the other: silver reads both.
    horaConexao === 'string'
      ? { name: 'Velocidade_de_Conexao', data: column(5).map(String), type: 'STRING' }
      : { name: 'Velocidade_de_Conexao', data: column(5), type: 'INT32' },
    { name: 'Status_Conexao', data: column(6), type: 'STRING' },
  ])
}

const usageColumns = (n: number, bytesUp: (i: number) => bigint = () => 10n): ColumnSource[] => {
  const rows = Array.from({ length: n }, (_, i) => i)
  return [
    { name: 'id', data: rows.map((i) => `u${i}`), type: 'STRING' },
    { name: 'ts', data: rows.map((i) => new Date(T + i)), type: 'TIMESTAMP' },
    { name: 'type', data: rows.map(() => 'usage'), type: 'STRING' },
    { name: 'server', data: rows.map((i) => `s${i % 3}`), type: 'STRING' },
    { name: 'device', data: rows.map((i) => `d${i % 50}`), type: 'STRING' },
    { name: 'client', data: rows.map((i) => `c${i % 20}`), type: 'STRING' },
    { name: 'bytes_down', data: rows.map((i) => BigInt(1000 + i)), type: 'INT64' },
    { name: 'bytes_up', data: rows.map(bytesUp), type: 'INT64' },
  ]
}

describe('importing Parquet files', () => {
  let dir: ReturnType<typeof tempDir>
  let engine: Engine
  beforeEach(() => {
    dir = tempDir()
    engine = Engine.open(dir.path('vigia.db'))
    engine.updateSettings({ seedTimeZone: 'America/Sao_Paulo' })
  })
  afterEach(() => {
    engine.close()
    dir.remove()
  })

  const seedEvents = () =>
    engine.db
      .prepare(
        `SELECT event_id, ts, type, server, device, client, device_type, plan_mbps, ip
         FROM silver_events ORDER BY ts`,
      )
      .all()

  const expectedSeedEvents = [
    {
      // The example of docs/protocol.md: same record, same event.
      event_id: 'seed-a620ca1d1b641a3a2564a6f1d0fa3a6a',
      ts: Date.UTC(2023, 7, 1, 17, 5, 33),
      type: 'connect',
      server: 'seed',
      device: '189.45.12.9',
      client: 'Maria Souza',
      device_type: 'mobile',
      plan_mbps: 100,
      ip: '189.45.12.9',
    },
    {
      event_id: expect.stringMatching(/^seed-[0-9a-f]{32}$/),
      ts: Date.UTC(2023, 7, 1, 18, 30, 0, 250),
      type: 'connect',
      server: 'seed',
      device: '10.0.0.7',
      client: 'João Lima',
      device_type: 'computer',
      plan_mbps: 300,
      ip: '10.0.0.7',
    },
    {
      event_id: expect.stringMatching(/^seed-[0-9a-f]{32}$/),
      ts: Date.UTC(2023, 7, 1, 19, 0, 0),
      type: 'disconnect',
      server: 'seed',
      device: '189.45.12.9',
      client: 'Maria Souza',
      device_type: null,
      plan_mbps: null,
      ip: null,
    },
  ]

  it('imports seed rows with Hora_Conexao as text as connect and disconnect events in the seed time zone', async () => {
    const path = dir.path('seed.parquet')
    writeFileSync(path, seedParquet('string'))
    const summary = await importFile(engine, path)
    expect(summary).toMatchObject({
      format: 'parquet',
      gzip: false,
      status: 'done',
      records: 4,
      accepted: 3,
      quarantined: 1,
    })
    expect(summary.rejects).toMatchObject([
      { line: 4, field: 'Dispositivo_de_Acesso', reason: 'must be Computador or Celular' },
    ])
    expect(seedEvents()).toEqual(expectedSeedEvents)
    const formats = engine.db.prepare('SELECT DISTINCT format FROM bronze_records').all()
    expect(formats).toEqual([{ format: 'parquet' }])
    expect(landedFileHash(engine.db)).toBe(fileHash(path))
  })

  it('reads a timestamp Hora_Conexao as the same local wall clock, giving the same events as its text form', async () => {
    const text = dir.path('seed-text.parquet')
    const stamped = dir.path('seed-timestamp.parquet')
    const content = seedParquet('timestamp')
    writeFileSync(text, seedParquet('string'))
    writeFileSync(stamped, content)
    expect(parquetMetadata(content).schema[4]).toMatchObject({
      name: 'Hora_Conexao',
      converted_type: 'TIMESTAMP_MILLIS',
    })

    const summary = await importFile(engine, stamped)
    expect(summary).toMatchObject({ status: 'done', accepted: 3, quarantined: 1 })
    expect(seedEvents()).toEqual(expectedSeedEvents)
    const raw = engine.db.prepare('SELECT raw FROM bronze_records WHERE line = 2').get() as { raw: string }
    expect(JSON.parse(raw.raw)).toEqual({
      Nome: 'João Lima',
      Ip: '10.0.0.7',
      Hora_Conexao: '2023-08-01 15:30:00.250',
      Dispositivo_de_Acesso: 'Computador',
      Velocidade_de_Conexao: 300,
      Status_Conexao: 'Conectado',
    })

    // Same values: the same event ids, so the text file only brings duplicates.
    expect(await importFile(engine, text)).toMatchObject({ status: 'done', accepted: 0, duplicates: 3 })
  })

  it('imports a gzipped Parquet file and lands its compressed bytes', async () => {
    const path = dir.path('seed.parquet.gz')
    writeFileSync(path, gzipSync(seedParquet('timestamp')))
    const summary = await importFile(engine, path)
    expect(summary).toMatchObject({ format: 'parquet', gzip: true, status: 'done', accepted: 3 })
    expect(landedFileHash(engine.db)).toBe(fileHash(path))
  })

  it('imports v1 event columns, a null cell being an absent field', async () => {
    const path = dir.path('events.parquet')
    writeFileSync(
      path,
      parquet([
        { name: 'id', data: ['c1', 'u1', 'x1', 'u2'], type: 'STRING' },
        { name: 'ts', data: [T, T + 1000, T + 2000, T + 3000].map((t) => new Date(t)), type: 'TIMESTAMP' },
        { name: 'type', data: ['connect', 'usage', 'disconnect', 'usage'], type: 'STRING' },
        { name: 'server', data: ['s1', 's1', 's1', 's1'], type: 'STRING' },
        { name: 'device', data: ['d1', 'd1', 'd1', 'd1'], type: 'STRING' },
        { name: 'client', data: ['c1', 'c1', null, 'c1'], type: 'STRING' },
        { name: 'plan_mbps', data: [300.5, null, null, null], type: 'DOUBLE' },
        { name: 'bytes_down', data: [null, 5000n, null, 7n], type: 'INT64' },
        { name: 'bytes_up', data: [null, 200n, null, -1n], type: 'INT64' },
      ]),
    )
    const summary = await importFile(engine, path)
    expect(summary).toMatchObject({ status: 'done', records: 4, accepted: 3, quarantined: 1 })
    expect(summary.rejects).toMatchObject([{ line: 4, field: 'bytes_up', reason: 'must not be negative' }])
    const events = engine.db
      .prepare(
        'SELECT event_id, ts, type, client, plan_mbps, bytes_down, bytes_up FROM silver_events ORDER BY ts',
      )
      .all()
    expect(events).toEqual([
      {
        event_id: 'c1',
        ts: T,
        type: 'connect',
        client: 'c1',
        plan_mbps: 300.5,
        bytes_down: null,
        bytes_up: null,
      },
      {
        event_id: 'u1',
        ts: T + 1000,
        type: 'usage',
        client: 'c1',
        plan_mbps: null,
        bytes_down: 5000,
        bytes_up: 200,
      },
      {
        event_id: 'x1',
        ts: T + 2000,
        type: 'disconnect',
        client: null,
        plan_mbps: null,
        bytes_down: null,
        bytes_up: null,
      },
    ])
  })

  it('imports a file of several row groups with progress, numbering rows across groups, and skips it the second time', async () => {
    const path = dir.path('big.parquet')
    const rows = 25_000
    const content = parquet(
      usageColumns(rows, (i) => (i === 14_999 ? -1n : 10n)),
      { rowGroupSize: [1000, 12_000], pageSize: 16 * 1024 },
    )
    // 1,000 + 12,000 + 12,000 rows. The larger groups span several pages, so they have an offset index and
    // are read in several row ranges; the first one is read whole.
    const groups = parquetMetadata(content).row_groups
    expect(groups.map((g) => Number(g.num_rows))).toEqual([1000, 12_000, 12_000])
    expect(groups.map((g) => g.columns.every((c) => c.offset_index_length))).toEqual([false, true, true])
    writeFileSync(path, content)
    const progress: ImportProgress[] = []
    const summary = await importFile(engine, path, { onProgress: (p) => progress.push(p), batchSize: 2000 })
    expect(summary).toMatchObject({ status: 'done', records: rows, accepted: rows - 1, quarantined: 1 })
    expect(summary.rejects).toMatchObject([
      { line: 15_000, field: 'bytes_up', reason: 'must not be negative' },
    ])
    expect(progress.length).toBeGreaterThan(1)
    expect(progress.at(-1)).toMatchObject({
      bytesRead: content.length,
      totalBytes: content.length,
      records: rows,
    })
    const lines = engine.db
      .prepare('SELECT min(line) AS first, max(line) AS last, count(DISTINCT line) AS n FROM bronze_records')
      .get()
    expect(lines).toEqual({ first: 1, last: rows, n: rows })
    const sum = engine.db.prepare('SELECT sum(bytes_down) AS s FROM silver_events').get() as { s: number }
    expect(sum.s).toBe(1000 * rows + (rows * (rows - 1)) / 2 - (1000 + 14_999))
    expect(landedFileHash(engine.db)).toBe(fileHash(path))

    const again = await importFile(engine, path)
    expect(again.status).toBe('skipped')
    expect(again.message).toMatch(/already imported/)
  })

  it('stops a cancelled import partway through the rows and removes its scratch file', async () => {
    const path = dir.path('big.parquet')
    const scratch = dir.path('scratch')
    mkdirSync(scratch)
    writeFileSync(path, parquet(usageColumns(20_000), { rowGroupSize: [5000] }))
    const abort = new AbortController()
    const summary = await importFile(engine, path, {
      tempDir: scratch,
      signal: abort.signal,
      batchSize: 1000,
      onProgress: (p) => {
        if (p.records >= 5000) abort.abort()
      },
    })
    expect(summary.status).toBe('cancelled')
    expect(summary.accepted).toBeGreaterThan(0)
    expect(summary.accepted).toBeLessThan(20_000)
    expect(readdirSync(scratch)).toEqual([])
  })

  it('fails a truncated Parquet file with what is wrong, lands its bytes and leaves no scratch file', async () => {
    const path = dir.path('cut.parquet')
    const scratch = dir.path('scratch')
    mkdirSync(scratch)
    const whole = parquet(usageColumns(100))
    writeFileSync(path, whole.subarray(0, whole.length - 100))
    const summary = await importFile(engine, path, { tempDir: scratch })
    expect(summary).toMatchObject({ format: 'parquet', status: 'failed', records: 0 })
    expect(summary.message).toMatch(/^not a readable Parquet file: .+; the bytes read are kept in landing$/)
    expect(landedFileHash(engine.db)).toBe(fileHash(path))
    expect(readdirSync(scratch)).toEqual([])
  })

  it('converts values JSON cannot hold: big integers, binary, and timestamps outside Hora_Conexao', () => {
    const row = {
      id: 'e1',
      ts: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)),
      Hora_Conexao: new Date(Date.UTC(2023, 7, 1, 14, 5, 33)),
      bytes: 9_007_199_254_740_991n,
      huge: 9_007_199_254_740_992n,
      blob: new Uint8Array([1, 2, 255]),
      nested: { at: new Date(1000), n: [1n, null] },
      gone: null,
    }
    expect(toRecord(row)).toEqual({
      id: 'e1',
      ts: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
      Hora_Conexao: '2023-08-01 14:05:33',
      bytes: 9_007_199_254_740_991,
      huge: '9007199254740992',
      blob: 'AQL/',
      nested: { at: 1000, n: [1, null] },
    })
  })
})
