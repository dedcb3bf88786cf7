import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Engine } from '../pipeline/engine'
import { importFile } from '../pipeline/importers/import-file'
import { overviewQuery } from '../pipeline/metrics/overview'
import { writeDataset } from '../pipeline/simulator'
import { tempDir } from '../pipeline/testing/temp-db'
import { currentSecond } from '../shared/instant'
import { VigiaService, type ServiceOptions } from './vigia-service'

describe('the Vigia service (engine worker, ingestion endpoint, demo feed)', () => {
  let dir: ReturnType<typeof tempDir>
  let service: VigiaService | undefined
  const options = (demo: ServiceOptions['demo']): ServiceOptions => ({
    dbPath: dir.path('vigia.db'),
    demo,
    ingest: { host: '127.0.0.1', port: 0, path: '/ingest', maxPayload: 1 << 20 },
  })

  beforeEach(() => {
    dir = tempDir()
  })
  afterEach(async () => {
    await service?.stop()
    service = undefined
    dir.remove()
  })

  it('shows live demo traffic on a first run, and stops it on request', async () => {
    service = await VigiaService.start(options('auto'))
    expect((await service.status()).demo.running).toBe(true)
    // It starts with a minute and a half of traffic dated before now, so even a live view, whose usage is
    // read a minute behind, shows throughput at once.
    await expect
      .poll(async () => (await service!.overview(undefined, true)).throughput.totalBps, { timeout: 20_000 })
      .toBeGreaterThan(0)
    const overview = await service.overview()
    expect(overview.connections.connectedDevices).toBeGreaterThan(0)
    expect(overview.servers.length).toBeGreaterThan(0)
    await service.demo.stop()
    expect((await service.status()).demo.running).toBe(false)
  })

  it('leaves the demo off when the database already holds events', async () => {
    const engine = Engine.open(dir.path('vigia.db'))
    engine.ingestFrames([
      {
        source: 't',
        seq: null,
        receivedAt: Date.now(),
        bytes: Buffer.from(
          JSON.stringify({ id: 'a', ts: Date.now(), type: 'flow', device: 'x', peer: 'y', bytes: 1 }),
        ),
      },
    ])
    engine.close()
    service = await VigiaService.start(options('auto'))
    expect((await service.status()).demo.running).toBe(false)
  })

  it('reflects an event sent by a device app in the metrics within the lag after it is acknowledged', async () => {
    service = await VigiaService.start(options('off'))
    const ws = new WebSocket((await service.status()).ingestUrl)
    const now = Date.now()
    const replies: unknown[] = []
    await new Promise<void>((resolve) => ws.on('open', () => resolve()))
    const acked = new Promise<void>((resolve) =>
      ws.on('message', (data) => {
        const message = JSON.parse(String(data)) as { type: string }
        if (message.type === 'ack') {
          replies.push(message)
          resolve()
        }
      }),
    )
    const sentAt = Date.now()
    ws.send(
      JSON.stringify([
        {
          id: 'c',
          ts: now - 1000,
          type: 'connect',
          server: 'ap-9',
          device: 'd',
          client: 'k',
          plan_mbps: 100,
        },
        {
          id: 'u',
          ts: now,
          type: 'usage',
          server: 'ap-9',
          device: 'd',
          client: 'k',
          bytes_down: 5_000_000,
          bytes_up: 0,
        },
      ]),
    )
    await acked
    // The acknowledgement means the events are in silver; the metrics read gold, which follows within its
    // lag. T is a whole second: the one after the second holding `now` holds the usage sample.
    await expect
      .poll(async () => (await service!.overview(currentSecond(now) + 1000)).throughput.byServer, {
        interval: 20,
        timeout: 5000,
      })
      .toEqual([{ server: 'ap-9', bps: 4_000_000, downBps: 4_000_000, upBps: 0 }])
    expect(Date.now() - sentAt).toBeLessThan(1000)
    expect((await service.overview(currentSecond(now) + 1000)).connections.connectedDevices).toBe(1)
    expect((await service.status()).connections).toHaveLength(1)
    ws.close()
  })

  it('keeps every answer for history imported weeks after it happened when it starts', async () => {
    // 40 days ago: older than silver's 30 days and per-second gold's 7 days counted from the wall clock.
    const start = Math.floor((Date.now() - 40 * 86_400_000) / 60_000) * 60_000
    const file = dir.path('last-month.ndjson')
    const written = await writeDataset({
      path: file,
      events: 20_000,
      simulation: { seed: 17, servers: 3, devices: 400, rate: 20, start },
    })
    const engine = Engine.open(dir.path('vigia.db'))
    expect((await importFile(engine, file)).accepted).toBeGreaterThan(19_000)
    const overview = overviewQuery(engine.db)
    const settings = engine.settings.get()
    const span = written.lastTs! - written.firstTs!
    const instants = [0.1, 0.4, 0.7, 1].map((f) => Math.ceil((written.firstTs! + f * span) / 1000) * 1000)
    const before = instants.map((at) => overview(at, settings))
    engine.close()

    // The engine worker applies retention before it answers its first request.
    service = await VigiaService.start(options('off'))
    for (const [i, at] of instants.entries()) expect(await service.overview(at)).toEqual(before[i])
    const status = await service.retentionStatus()
    for (const g of status.groups.filter((g) => g.countedFrom === 'newest-event')) {
      expect({ label: g.label, removable: g.removable }).toEqual({ label: g.label, removable: 0 })
    }
  })
})
