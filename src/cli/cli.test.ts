import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../pipeline/engine'
import type { Overview } from '../shared/metrics'
import { tempDir } from '../pipeline/testing/temp-db'

const run = promisify(execFile)
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'vigia.js')
const T = Date.UTC(2026, 10, 28, 12, 0, 0)

async function vigia(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args])
    return { stdout, stderr, code: 0 }
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number }
    return { stdout: e.stdout, stderr: e.stderr, code: e.code }
  }
}

describe('the vigia command line', () => {
  let dir: ReturnType<typeof tempDir>
  let db: string
  beforeEach(() => {
    dir = tempDir()
    db = dir.path('vigia.db')
  })
  afterEach(() => dir.remove())

  it('imports a file, reports accepted / duplicate / quarantined, and answers the metrics at a time', async () => {
    const file = dir.path('day.ndjson')
    const events = [
      {
        id: 'c1',
        ts: T - 30_000,
        type: 'connect',
        server: 'ap-1',
        device: 'aa:01',
        client: 'acme',
        plan_mbps: 300,
      },
      {
        id: 'u1',
        ts: T - 5_000,
        type: 'usage',
        server: 'ap-1',
        device: 'aa:01',
        client: 'acme',
        bytes_down: 10_000_000,
        bytes_up: 2_500_000,
      },
      {
        id: 'u1',
        ts: T - 5_000,
        type: 'usage',
        server: 'ap-1',
        device: 'aa:01',
        client: 'acme',
        bytes_down: 1,
        bytes_up: 1,
      },
    ]
    writeFileSync(file, [...events.map((e) => JSON.stringify(e)), '{"id":"bad","type":"usage"}'].join('\n'))
    const imported = await vigia(['--db', db, 'import', file])
    expect(imported.code).toBe(0)
    expect(imported.stdout).toContain(
      `${file} (ndjson): done: 4 records, 2 accepted, 1 duplicates, 1 quarantined`,
    )
    expect(imported.stdout).toContain('line 4: ts is required')
    expect(imported.stderr).toContain('100 %')

    const metrics = await vigia(['--db', db, 'metrics', '--json', '--at', new Date(T).toISOString()])
    const overview = JSON.parse(metrics.stdout) as Overview
    // 12.5 MB in the last 10 s: 12_500_000 * 8 / 10 = 10 Mb/s.
    expect(overview.throughput.totalBps).toBe(10_000_000)
    expect(overview.connections.connectedDevices).toBe(1)
    expect(overview.throughput.provisionedBps).toBe(300e6)

    const text = await vigia(['--db', db, 'metrics', '--at', String(T)])
    expect(text.stdout).toContain('3. Throughput (last 10 s): 10.0 Mb/s')

    const quarantine = await vigia(['--db', db, 'quarantine'])
    expect(quarantine.stdout).toContain(`file:${file} line 4: ts is required`)

    const rebuilt = await vigia(['--db', db, 'rebuild'])
    expect(rebuilt.stdout).toMatch(/rebuilt silver and gold/)
    const after = JSON.parse(
      (await vigia(['--db', db, 'metrics', '--json', '--at', String(T)])).stdout,
    ) as Overview
    expect(after).toEqual(overview)
  })

  it('imports the server inventory from CSV and JSON, and lists it as JSON and CSV', async () => {
    const csv = dir.path('servers.csv')
    writeFileSync(csv, 'server,name,region,max_connections,capacity_mbps\nap-1,Centro,Sul,2000,10000\n')
    const json = dir.path('servers.json')
    writeFileSync(
      json,
      JSON.stringify([{ server: 'bng-1', name: 'BNG, Porto', maxConnections: 30000, capacityMbps: 40000 }]),
    )
    expect(await vigia(['--db', db, 'inventory', 'import', csv])).toMatchObject({
      code: 0,
      stdout: `${csv}: 1 server saved\n`,
    })
    expect((await vigia(['--db', db, 'inventory', 'import', json])).code).toBe(0)

    const listed = await vigia(['--db', db, 'inventory', 'list', '--json'])
    expect(JSON.parse(listed.stdout)).toEqual([
      { server: 'ap-1', name: 'Centro', region: 'Sul', maxConnections: 2000, capacityMbps: 10000 },
      { server: 'bng-1', name: 'BNG, Porto', region: null, maxConnections: 30000, capacityMbps: 40000 },
    ])
    const asCsv = await vigia(['--db', db, 'inventory', 'list', '--csv'])
    expect(asCsv.stdout).toBe(
      'server,name,region,max_connections,capacity_mbps\nap-1,Centro,Sul,2000,10000\nbng-1,"BNG, Porto",,30000,40000\n',
    )
  })

  it('refuses an inventory CSV with other columns, naming the expected and found ones, and saves nothing', async () => {
    Engine.open(db).close()
    const file = dir.path('servers.csv')
    writeFileSync(file, 'host,conns,mbps\nap-1,2000,10000\n')
    const imported = await vigia(['--db', db, 'inventory', 'import', file])
    expect(imported.code).not.toBe(0)
    expect(imported.stderr).toContain(`vigia: ${file}: nothing saved`)
    expect(imported.stderr).toContain(
      'expected the columns server, name, region, max_connections|maxConnections, capacity_mbps|capacityMbps',
    )
    expect(imported.stderr).toContain('found host, conns, mbps')
    const listed = await vigia(['--db', db, 'inventory', 'list', '--json'])
    expect(JSON.parse(listed.stdout)).toEqual([])
  })

  it('refuses an --at that is not a whole second, naming the two whole seconds around it', async () => {
    writeFileSync(
      dir.path('one.ndjson'),
      JSON.stringify({ id: 'c', ts: T, type: 'connect', server: 's', device: 'd', client: 'c' }),
    )
    expect((await vigia(['--db', db, 'import', dir.path('one.ndjson')])).code).toBe(0)
    const iso = await vigia(['--db', db, 'metrics', '--at', '2026-12-04T12:39:59.999Z'])
    expect(iso.code).not.toBe(0)
    expect(iso.stdout).toBe('')
    expect(iso.stderr).toContain(
      '--at 2026-12-04T12:39:59.999Z: Vigia answers at whole seconds; ask 2026-12-04T12:39:59Z or 2026-12-04T12:40:00Z',
    )
    const beyondMs = await vigia(['--db', db, 'metrics', '--at', '2026-12-04T12:40:00.0004Z'])
    expect(beyondMs.code).not.toBe(0)
    expect(beyondMs.stderr).toContain('ask 2026-12-04T12:40:00Z or 2026-12-04T12:40:01Z')
    const epoch = await vigia(['--db', db, 'metrics', '--at', String(T + 1)])
    expect(epoch.code).not.toBe(0)
    expect(epoch.stderr).toContain(`--at ${T + 1}: Vigia answers at whole seconds; ask ${T} or ${T + 1000}`)
    const whole = await vigia(['--db', db, 'metrics', '--json', '--at', new Date(T).toISOString()])
    expect(whole.code).toBe(0)
    expect((JSON.parse(whole.stdout) as Overview).at).toBe(T)
  })

  it('exits non-zero with a clear message for a missing file or a bad option', async () => {
    const missing = await vigia(['--db', db, 'import', dir.path('nope.ndjson')])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/vigia: .*no such file.*nope\.ndjson/i)
    const badTime = await vigia(['--db', db, 'metrics', '--at', 'yesterday-ish'])
    expect(badTime.code).not.toBe(0)
    expect(badTime.stderr).toContain('expected an ISO-8601 time or epoch milliseconds')
    const hugeFrames = await vigia(['--db', db, 'serve', '--max-frame', String(64 << 20)])
    expect(hugeFrames.code).not.toBe(0)
    expect(hugeFrames.stderr).toContain('expected a number of bytes from 1024 to 8388608')
  })
})
