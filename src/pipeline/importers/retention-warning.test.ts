import { writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { frame } from '../testing/temp-db'
import { useTempEngine } from '../testing/temp-engine'
import { usageEvent } from '../testing/import-helpers'
import { importFile, type ImportProgress } from './import-file'

const DAY = 86_400_000

const temp = useTempEngine()

const writeEvents = (name: string, t0: number, n: number) => {
  const path = temp.path(name)
  writeFileSync(path, Array.from({ length: n }, (_, i) => JSON.stringify(usageEvent(i, t0))).join('\n'))
  return path
}

const landed = () => temp.engine.db.prepare('SELECT count(*) FROM landing_payloads').pluck().get()

describe('the retention warning of an import', () => {
  it('warns before landing anything when the database holds events newer than the file by more than a layer keeps', async () => {
    const now = Date.now()
    temp.engine.ingestFrames([frame([{ ...usageEvent(0, now - 1000), id: 'live' }], null, now)])
    const path = writeEvents('last-month.ndjson', now - 40 * DAY, 100)

    const progress: { p: ImportProgress; landed: unknown }[] = []
    const summary = await importFile(temp.engine, path, {
      onProgress: (p) => progress.push({ p, landed: landed() }),
    })

    expect(summary.accepted).toBe(100)
    expect(summary.warning).toMatch(
      /^this file's events go back to .* UTC; counted back from the newest event/,
    )
    expect(summary.warning).toContain('per-second gold (and per client per minute) before')
    expect(summary.warning).toContain('silver events, device minutes and connected devices per second before')
    expect(summary.warning).not.toContain('per-minute gold before')
    // Told with the first progress report, before any byte of the file is landed.
    expect(progress[0]!.p.warning).toBe(summary.warning)
    expect([progress[0]!.p.bytesRead, progress[0]!.landed]).toEqual([0, 1])
  })

  it('keeps quiet about old history imported into a database without newer events', async () => {
    const path = writeEvents('last-month.ndjson', Date.now() - 40 * DAY, 100)
    const summary = await importFile(temp.engine, path)
    expect(summary.accepted).toBe(100)
    expect(summary.warning).toBeNull()
    expect(temp.engine.applyRetention().silver_events).toBe(0)
  })

  it('warns when the file itself spans more than a layer keeps', async () => {
    const path = temp.path('quarter.ndjson')
    const t0 = Date.now() - 90 * DAY
    const events = [usageEvent(0, t0), usageEvent(1, t0 + 89 * DAY)]
    writeFileSync(path, events.map((e) => JSON.stringify(e)).join('\n'))
    const summary = await importFile(temp.engine, path)
    expect(summary.warning).toContain('silver events, device minutes and connected devices per second before')
  })
})
