import { readFileSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../engine'
import { fileHash, landedFileHash, usageEvent } from '../testing/import-helpers'
import { tempDir } from '../testing/temp-db'
import { importFile, type ImportProgress } from './import-file'

const T = Math.floor(Date.now() / 1000) * 1000 - 3_600_000

const usage = (i: number) => usageEvent(i, T)

describe('importing JSON-array files', () => {
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

  const bronzeLines = () =>
    engine.db
      .prepare<[], { line: number; format: string }>('SELECT line, format FROM bronze_records ORDER BY id')
      .all()

  it('imports a pretty-printed array, one record per element numbered from 1, and lands every byte', async () => {
    const path = dir.path('events.json')
    const events = [usage(1), usage(2), usage(3)]
    writeFileSync(path, '\uFEFF' + JSON.stringify(events, null, 2) + '\n')
    const summary = await importFile(engine, path)
    expect(summary).toMatchObject({
      format: 'json-array',
      gzip: false,
      status: 'done',
      records: 3,
      accepted: 3,
      message: null,
    })
    expect(bronzeLines()).toEqual([1, 2, 3].map((line) => ({ line, format: 'json' })))
    const sum = engine.db.prepare('SELECT sum(bytes_down) AS s FROM silver_events').get() as { s: number }
    expect(sum.s).toBe(1001 + 1002 + 1003)
    expect(landedFileHash(engine.db)).toBe(fileHash(path))
  })

  it('imports a gzipped JSON array whatever the file name', async () => {
    const path = dir.path('events.log')
    writeFileSync(path, gzipSync(JSON.stringify(Array.from({ length: 500 }, (_, i) => usage(i)))))
    const summary = await importFile(engine, path)
    expect(summary).toMatchObject({ format: 'json-array', gzip: true, status: 'done', accepted: 500 })
    expect(landedFileHash(engine.db)).toBe(fileHash(path))
  })

  it('quarantines bad elements with their element number and keeps the others', async () => {
    const path = dir.path('mixed.json')
    writeFileSync(
      path,
      JSON.stringify([usage(1), 'not an event', { ...usage(2), bytes_up: -5 }, usage(3), [usage(4)]]),
    )
    const summary = await importFile(engine, path)
    expect(summary).toMatchObject({ status: 'done', records: 5, accepted: 2, quarantined: 3 })
    expect(summary.rejects).toMatchObject([
      { line: 2, field: null, reason: 'a record must be a JSON object' },
      { line: 3, field: 'bytes_up', reason: 'must not be negative' },
      { line: 5, field: null, reason: 'a record must be a JSON object' },
    ])
  })

  it('fails a truncated array with where it stops, keeping the elements before it', async () => {
    const path = dir.path('cut.json')
    const whole = JSON.stringify([usage(1), usage(2), usage(3)])
    const cut = whole.slice(0, whole.indexOf('"u3"') + 6)
    writeFileSync(path, cut)
    const summary = await importFile(engine, path)
    expect(summary).toMatchObject({ status: 'failed', records: 2, accepted: 2 })
    expect(summary.message).toBe(
      `the JSON array is cut off after element 2: the content ends at byte offset ${cut.length} before the closing ]; the bytes read are kept in landing`,
    )
    expect(landedFileHash(engine.db)).toBe(fileHash(path))
    const history = engine.db.prepare('SELECT status, accepted, error FROM import_history').get()
    expect(history).toEqual({ status: 'failed', accepted: 2, error: summary.message })
  })

  it('fails on malformed JSON partway with its byte offset, keeping the elements before it', async () => {
    const path = dir.path('broken.json')
    const head = `[${JSON.stringify(usage(1))},${JSON.stringify(usage(2))},`
    writeFileSync(path, `${head}{id: "u3"}, ${JSON.stringify(usage(4))}]`)
    const summary = await importFile(engine, path)
    expect(summary).toMatchObject({ status: 'failed', records: 2, accepted: 2 })
    expect(summary.message).toBe(
      `invalid JSON after element 2: Unexpected "i" at byte offset ${head.length + 1}; the bytes read are kept in landing`,
    )
  })

  it('fails on text after the closing bracket, keeping the whole array', async () => {
    const path = dir.path('trailing.json')
    writeFileSync(path, `[${JSON.stringify(usage(1))}]\n[${JSON.stringify(usage(2))}]`)
    const summary = await importFile(engine, path)
    expect(summary).toMatchObject({ status: 'failed', records: 1, accepted: 1 })
    expect(summary.message).toMatch(
      /^invalid JSON after the closing \] of the JSON array: Unexpected "\[" at byte offset \d+;/,
    )
  })

  it('fails on invalid UTF-8 with the element it follows', async () => {
    const path = dir.path('latin1.json')
    const head = Buffer.from(`[${JSON.stringify(usage(1))},{"id":"`)
    writeFileSync(path, Buffer.concat([head, Buffer.from([0xe9]), Buffer.from('"}]')]))
    const summary = await importFile(engine, path)
    expect(summary).toMatchObject({ status: 'failed', records: 1, accepted: 1 })
    expect(summary.message).toMatch(/^invalid JSON after element 1: the text is not valid UTF-8/)
  })

  it('streams a large array in batches with progress, and lands every byte', async () => {
    const path = dir.path('big.json')
    const elements = Array.from({ length: 30_000 }, (_, i) =>
      JSON.stringify({ ...usage(i), note: 'x'.repeat(40) }),
    )
    writeFileSync(path, `[\n${elements.join(',\n')}\n]\n`)
    const progress: ImportProgress[] = []
    const summary = await importFile(engine, path, { onProgress: (p) => progress.push(p), batchSize: 2000 })
    expect(summary).toMatchObject({ status: 'done', records: 30_000, accepted: 30_000 })
    expect(progress.at(-1)).toMatchObject({ bytesRead: readFileSync(path).length, records: 30_000 })
    const last = engine.db.prepare('SELECT max(line) AS n FROM bronze_records').get() as { n: number }
    expect(last.n).toBe(30_000)
    expect(landedFileHash(engine.db)).toBe(fileHash(path))
  })
})
