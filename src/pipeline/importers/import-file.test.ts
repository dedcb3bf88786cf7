import { readFileSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../engine'
import { fileHash, landedFileHash, usageEvent } from '../testing/import-helpers'
import { tempDir } from '../testing/temp-db'
import { importFile, type ImportProgress } from './import-file'

const T = Date.UTC(2026, 10, 28, 12, 0, 0)

const usage = (i: number) => usageEvent(i, T)

describe('importing files', () => {
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

  it('imports NDJSON, quarantining bad lines with their line number and keeping the good ones', async () => {
    const path = dir.path('events.log')
    writeFileSync(
      path,
      [
        JSON.stringify(usage(1)),
        '{broken',
        JSON.stringify({ ...usage(2), bytes_up: -5 }),
        JSON.stringify(usage(3)),
        '',
      ].join('\n'),
    )
    const summary = await importFile(engine, path)
    expect(summary).toMatchObject({
      format: 'ndjson',
      gzip: false,
      status: 'done',
      records: 4,
      accepted: 2,
      quarantined: 2,
    })
    expect(summary.rejects).toEqual([
      { index: 1, line: 2, field: null, reason: expect.stringMatching(/^invalid JSON/) },
      { index: 2, line: 3, field: 'bytes_up', reason: 'must not be negative' },
    ])
    expect(landedFileHash(engine.db)).toBe(fileHash(path))
  })

  it('imports CSV with a header, reading numbers from text cells and keeping unreadable rows in quarantine', async () => {
    const path = dir.path('events.csv')
    writeFileSync(
      path,
      [
        'id,ts,type,server,device,client,bytes_down,bytes_up',
        `a,${T},usage,s1,d1,c1,100,20`,
        `b,2026-11-28T12:00:01Z,usage,s1,d1,c1,"300",0`,
        `c,${T},usage,s1,d1,c1,abc,0`,
        `d,${T},usage,"s1,d1,c1,1,1`,
      ].join('\n'),
    )
    const summary = await importFile(engine, path)
    expect(summary).toMatchObject({ format: 'csv', accepted: 2, quarantined: 2 })
    expect(summary.rejects[0]).toMatchObject({
      line: 4,
      field: 'bytes_down',
      reason: 'must be a number of bytes',
    })
    expect(summary.rejects[1]?.reason).toMatch(/^CSV: /)
    const sum = engine.db.prepare('SELECT sum(bytes_down) AS s FROM silver_events').get() as { s: number }
    expect(sum.s).toBe(400)
  })

  it('detects gzip and the format inside by content, whatever the file name', async () => {
    const path = dir.path('events.bin')
    const content = Array.from({ length: 100 }, (_, i) => JSON.stringify(usage(i))).join('\n')
    writeFileSync(path, gzipSync(content))
    const summary = await importFile(engine, path)
    expect(summary).toMatchObject({ format: 'ndjson', gzip: true, status: 'done', accepted: 100 })
    expect(landedFileHash(engine.db)).toBe(fileHash(path))
  })

  it('skips a file whose content was imported before, and imports it again when forced without double counting', async () => {
    const path = dir.path('a.ndjson')
    writeFileSync(path, JSON.stringify(usage(1)))
    await importFile(engine, path)
    const copy = dir.path('copy-of-a.ndjson')
    writeFileSync(copy, readFileSync(path))
    const again = await importFile(engine, copy)
    expect(again.status).toBe('skipped')
    expect(again.message).toMatch(/already imported/)
    const forced = await importFile(engine, copy, { force: true })
    expect(forced).toMatchObject({ status: 'done', accepted: 0, duplicates: 1 })
    expect(engine.db.prepare('SELECT count(*) AS n FROM silver_events').get()).toEqual({ n: 1 })
  })

  it('counts seed records once when another file exports them again, reordered among new ones', async () => {
    engine.updateSettings({ seedTimeZone: 'UTC' })
    const seed = (nome: string, ip: string, hora: string, status: string) => ({
      Nome: nome,
      Ip: ip,
      Hora_Conexao: hora,
      Dispositivo_de_Acesso: 'Celular',
      Velocidade_de_Conexao: 100,
      Status_Conexao: status,
    })
    const maria = seed('Maria Souza', '10.0.0.1', '2023-08-01 14:05:33', 'Conectado')
    const joao = seed('João Lima', '10.0.0.2', '2023-08-01 14:06:00', 'Conectado')
    const mariaOff = seed('Maria Souza', '10.0.0.1', '2023-08-01 15:00:00', 'Desconectado')
    const ana = seed('Ana Reis', '10.0.0.3', '2023-08-01 16:00:00', 'Conectado')
    const first = dir.path('seed-august.ndjson')
    writeFileSync(first, [maria, joao, mariaOff].map((r) => JSON.stringify(r)).join('\n'))
    // The second export is CSV, where the speed is text, and puts the old records at other lines.
    const second = dir.path('seed-all.csv')
    const header = 'Nome,Ip,Hora_Conexao,Dispositivo_de_Acesso,Velocidade_de_Conexao,Status_Conexao'
    const row = (r: typeof maria) => Object.values(r).join(',')
    writeFileSync(second, [header, row(ana), row(mariaOff), row(joao), row(maria)].join('\n'))

    expect(await importFile(engine, first)).toMatchObject({ status: 'done', accepted: 3, duplicates: 0 })
    expect(await importFile(engine, second)).toMatchObject({ status: 'done', accepted: 1, duplicates: 3 })
    const connects = engine.db
      .prepare(`SELECT client FROM silver_events WHERE type = 'connect' ORDER BY client`)
      .all()
    expect(connects).toEqual([{ client: 'Ana Reis' }, { client: 'João Lima' }, { client: 'Maria Souza' }])
    expect(engine.db.prepare('SELECT count(*) AS n FROM silver_events').get()).toEqual({ n: 4 })
    expect(engine.db.prepare('SELECT count(*) AS n FROM silver_duplicates').get()).toEqual({ n: 3 })
  })

  it('streams a large file in batches with progress, and lands every byte', async () => {
    const path = dir.path('big.ndjson')
    const lines = Array.from({ length: 30_000 }, (_, i) =>
      JSON.stringify({ ...usage(i), note: 'x'.repeat(40) }),
    )
    writeFileSync(path, lines.join('\n') + '\n')
    const progress: ImportProgress[] = []
    const summary = await importFile(engine, path, { onProgress: (p) => progress.push(p), batchSize: 2000 })
    expect(summary).toMatchObject({ status: 'done', records: 30_000, accepted: 30_000 })
    expect(progress.at(-1)).toMatchObject({ bytesRead: readFileSync(path).length, records: 30_000 })
    const chunks = engine.db.prepare(`SELECT count(*) AS n FROM landing_payloads`).get() as { n: number }
    expect(chunks.n).toBeGreaterThan(3)
    expect(landedFileHash(engine.db)).toBe(fileHash(path))
  })

  it('stops a cancelled import with what was imported so far consistent', async () => {
    const path = dir.path('big.ndjson')
    writeFileSync(path, Array.from({ length: 50_000 }, (_, i) => JSON.stringify(usage(i))).join('\n'))
    const abort = new AbortController()
    const summary = await importFile(engine, path, {
      signal: abort.signal,
      batchSize: 1000,
      onProgress: (p) => {
        if (p.records >= 5000) abort.abort()
      },
    })
    expect(summary.status).toBe('cancelled')
    expect(summary.accepted).toBeGreaterThan(0)
    expect(summary.accepted).toBeLessThan(50_000)
    const silver = engine.db.prepare('SELECT count(*) AS n FROM silver_events').get() as { n: number }
    const bronze = engine.db.prepare('SELECT count(*) AS n FROM bronze_records').get() as { n: number }
    expect(silver.n).toBe(summary.accepted)
    expect(bronze.n).toBe(summary.records)
    const history = engine.db.prepare('SELECT status, accepted FROM import_history').get()
    expect(history).toEqual({ status: 'cancelled', accepted: summary.accepted })
  })

  it('stops a cancelled CSV import as cancelled, without an unhandled stream error', async () => {
    const path = dir.path('big.csv')
    const columns = Object.keys(usage(0))
    const rows = Array.from({ length: 50_000 }, (_, i) => {
      const event = usage(i) as Record<string, unknown>
      return columns.map((c) => String(event[c])).join(',')
    })
    writeFileSync(path, [columns.join(','), ...rows].join('\n'))
    const abort = new AbortController()
    const summary = await importFile(engine, path, {
      signal: abort.signal,
      batchSize: 1000,
      onProgress: (p) => {
        if (p.records >= 5000) abort.abort()
      },
    })
    expect(summary).toMatchObject({ format: 'csv', status: 'cancelled' })
    expect(summary.accepted).toBeGreaterThan(0)
    expect(summary.accepted).toBeLessThan(50_000)
    const silver = engine.db.prepare('SELECT count(*) AS n FROM silver_events').get() as { n: number }
    expect(silver.n).toBe(summary.accepted)
  })

  it('keeps the bytes of a corrupt gzip file in landing and says what is wrong', async () => {
    const path = dir.path('broken.gz')
    const gz = gzipSync(JSON.stringify(usage(1)))
    writeFileSync(path, Buffer.concat([gz.subarray(0, 12), Buffer.from('garbage-garbage-garbage')]))
    const summary = await importFile(engine, path)
    expect(summary.status).toBe('failed')
    expect(summary.message).toMatch(/gzip|header|incorrect|unexpected/i)
    expect(landedFileHash(engine.db)).toBe(fileHash(path))
  })
})
