import { afterEach, describe, expect, it } from 'vitest'
import { seedRecord } from '../../shared/events'
import { runLive } from './live-run'
import { startAckServer, type AckServer } from './testing/ack-server'

const simulation = { seed: 1, devices: 200, servers: 2, rate: 1_000, badShare: 0 }

describe('a live run', () => {
  let server: AckServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('sends paced events for the duration and waits for every reply', async () => {
    server = await startAckServer()
    const summary = await runLive({ url: server.url, durationMs: 500, batch: 50, simulation })
    expect(summary.sent).toBeGreaterThanOrEqual(250)
    expect(summary.sent).toBeLessThanOrEqual(650)
    expect(summary.acked).toBe(summary.sent)
    expect(summary.inFlight).toBe(0)
    expect(new Set(server.ids).size).toBe(summary.sent)
  })

  it('replays seed-format batches stamped with the local time of sending', async () => {
    server = await startAckServer()
    const summary = await runLive({
      url: server.url,
      durationMs: 300,
      batch: 100,
      seedFormat: true,
      timeZone: 'UTC',
      simulation,
    })
    expect(summary).toMatchObject({ frames: 1, sent: 40, acked: 40 })
    expect(server.records.every((r) => seedRecord.safeParse(r).success)).toBe(true)
    const stamp = (server.records[0] as { Hora_Conexao: string }).Hora_Conexao
    expect(Math.abs(Date.parse(`${stamp.replace(' ', 'T')}Z`) - Date.now())).toBeLessThan(5_000)
  })

  it('ends when the server cannot be reached, reporting the events that got no reply', async () => {
    server = await startAckServer()
    const url = server.url
    await server.close()
    server = undefined
    const notices: string[] = []
    const summary = await runLive({
      url,
      durationMs: 300,
      drainTimeoutMs: 200,
      batch: 50,
      simulation,
      onNotice: (n) => notices.push(n),
    })
    expect(summary.sent).toBe(0)
    expect(summary.inFlight).toBeGreaterThan(0)
    expect(notices.join('\n')).toMatch(/cannot reach .*ECONNREFUSED/)
  })
})
