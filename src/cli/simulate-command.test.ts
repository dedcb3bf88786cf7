import { Command } from 'commander'
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { deviceEvent, seedRecord } from '../shared/events'
import { tempDir } from '../pipeline/testing/temp-db'
import { startAckServer, type AckServer } from '../pipeline/simulator/testing/ack-server'
import { parseDuration, parseStart, registerSimulate } from './simulate-command'

async function simulate(args: string[]): Promise<string> {
  let stderr = ''
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined })
  registerSimulate(program, { stderr: { write: (text: string) => (stderr += text) } })
  await program.parseAsync(['simulate', ...args], { from: 'user' })
  return stderr
}

const linesOf = (path: string): string[] => {
  const bytes = readFileSync(path)
  const text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8')
  return text.split('\n').slice(0, -1)
}

describe('vigia simulate', () => {
  let dir: ReturnType<typeof tempDir>
  let server: AckServer | undefined
  beforeEach(() => {
    dir = tempDir()
  })
  afterEach(async () => {
    dir.remove()
    await server?.close()
    server = undefined
  })

  it('writes N events to a file, byte-identical for the same seed', async () => {
    const args = [
      '--devices',
      '1000',
      '--servers',
      '4',
      '--rate',
      '500',
      '--events',
      '5000',
      '--bad-share',
      '0',
    ]
    const stderr = await simulate([...args, '--to-file', dir.path('a.ndjson')])
    await simulate([...args, '--to-file', dir.path('b.ndjson')])
    await simulate([...args, '--seed', '2', '--to-file', dir.path('c.ndjson')])
    const lines = linesOf(dir.path('a.ndjson'))
    expect(lines).toHaveLength(5000)
    expect(lines.every((line) => deviceEvent.safeParse(JSON.parse(line)).success)).toBe(true)
    expect(readFileSync(dir.path('b.ndjson')).equals(readFileSync(dir.path('a.ndjson')))).toBe(true)
    expect(readFileSync(dir.path('c.ndjson')).equals(readFileSync(dir.path('a.ndjson')))).toBe(false)
    expect(stderr).toMatch(/wrote 5000 records \(0 bad\)/)
    // 5,000 events at 500/s span 10 s of simulated time from the default start.
    expect(stderr).toContain('simulated 2025-03-03T12:00:00.000Z to 2025-03-03T12:00:09.998Z')
  })

  it('gzips a file whose name ends in .gz, with the same content and the same bytes on every run', async () => {
    const args = [
      '--devices',
      '800',
      '--rate',
      '400',
      '--events',
      '3000',
      '--bad-share',
      '0.05',
      '--start',
      '2026-01-05T00:00:00Z',
    ]
    await simulate([...args, '--to-file', dir.path('plain.ndjson')])
    const stderr = await simulate([...args, '--to-file', dir.path('one.ndjson.gz')])
    await simulate([...args, '--to-file', dir.path('two.ndjson.gz')])
    const gz = readFileSync(dir.path('one.ndjson.gz'))
    expect(gz.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]))
    expect(linesOf(dir.path('one.ndjson.gz'))).toEqual(linesOf(dir.path('plain.ndjson')))
    expect(readFileSync(dir.path('two.ndjson.gz')).equals(gz)).toBe(true)
    expect(stderr).toMatch(/wrote 3000 records \(\d+ bad\) to .*one\.ndjson\.gz \(.*gzip\)/)
    expect(stderr).toContain('simulated 2026-01-05T00:00:00.000Z')
  })

  it('writes the seed format: batches of 40, 80, 70 and 60 Portuguese records', async () => {
    await simulate([
      '--seed-format',
      '--events',
      '300',
      '--time-zone',
      'UTC',
      '--to-file',
      dir.path('seed.ndjson'),
    ])
    const records = linesOf(dir.path('seed.ndjson')).map(
      (line) => JSON.parse(line) as Record<string, unknown>,
    )
    expect(records).toHaveLength(300)
    expect(records.every((r) => seedRecord.safeParse(r).success)).toBe(true)
    const runs: number[] = []
    records.forEach((r, i) => {
      if (i === 0 || r.Hora_Conexao !== records[i - 1]?.Hora_Conexao) runs.push(0)
      runs[runs.length - 1]! += 1
    })
    expect(runs).toEqual([40, 80, 70, 60, 40, 10])
    expect(records[0]?.Hora_Conexao).toBe('2025-03-03 12:00:00')
    expect(records[40]?.Hora_Conexao).toBe('2025-03-03 12:00:10')
  })

  it('streams live events stamped with the current time to a WebSocket endpoint', async () => {
    server = await startAckServer()
    const before = Date.now()
    const stderr = await simulate([
      '--url',
      server.url,
      '--devices',
      '300',
      '--servers',
      '3',
      '--rate',
      '1000',
      '--duration',
      '1s',
      '--batch',
      '50',
    ])
    const after = Date.now()
    expect(server.ids.length).toBeGreaterThan(500)
    expect(server.ids.length).toBeLessThanOrEqual(1_200)
    const stamps = server.records.flatMap((r) =>
      typeof r === 'object' && r !== null && 'ts' in r ? [Number(r.ts)] : [],
    )
    // Bad records may carry far-future stamps on purpose; the others are the moment they were sent.
    const live = stamps.filter((ts) => ts < after + 1_000)
    expect(live.length).toBeGreaterThan(stamps.length * 0.95)
    expect(live.every((ts) => ts >= before && ts <= after)).toBe(true)
    expect(stderr).toMatch(/sent \d+ events in \d+ frames/)
    expect(stderr).toMatch(/\d+ acked/)
  })

  it('reads durations and start times, and refuses bad values', async () => {
    expect(parseDuration('90s')).toBe(90_000)
    expect(parseDuration('5m')).toBe(300_000)
    expect(parseDuration('1h')).toBe(3_600_000)
    expect(parseDuration('250ms')).toBe(250)
    expect(parseDuration('45')).toBe(45_000)
    expect(() => parseDuration('soon')).toThrow(/duration/)
    expect(parseStart('2025-03-14T09:26:53-03:00')).toBe(Date.UTC(2025, 2, 14, 12, 26, 53))
    expect(parseStart('1741955213589')).toBe(1741955213589)
    expect(() => parseStart('2025-03-14T09:26:53')).toThrow(/zone/)
    await expect(simulate(['--bad-share', '2', '--to-file', dir.path('x.ndjson')])).rejects.toThrow(/share/)
    await expect(simulate(['--duration', 'forever'])).rejects.toThrow(/duration/)
  })
})
