import { afterEach, describe, expect, it } from 'vitest'
import { recordToElement } from './records'
import { createSimulation } from './simulation'
import { startAckServer, type AckServer } from './testing/ack-server'
import { WsSender, type SenderStats } from './ws-sender'

const FAST_BACKOFF = { minMs: 10, maxMs: 200 }

function batches(count: number, size: number, badShare = 0): unknown[][] {
  const simulation = createSimulation({ seed: 11, devices: 500, servers: 3, rate: 1_000, badShare })
  return Array.from({ length: count }, () => simulation.take(size).map(recordToElement))
}

const idsOf = (frames: unknown[][]): string[] =>
  frames.flat().flatMap((e) => (typeof e === 'object' && e !== null && 'id' in e ? [String(e.id)] : []))

async function sendAll(sender: WsSender, frames: unknown[][]): Promise<SenderStats> {
  for (const frame of frames) await sender.send(frame)
  return sender.close()
}

describe('the WebSocket sender', () => {
  let server: AckServer
  afterEach(() => server?.close())

  it('sends envelopes and counts the replies', async () => {
    server = await startAckServer()
    const frames = batches(20, 50)
    const stats = await sendAll(new WsSender({ url: server.url }), frames)
    expect(server.ids).toEqual(idsOf(frames))
    expect(stats).toMatchObject({
      frames: 20,
      sent: 1_000,
      acked: 1_000,
      accepted: 1_000,
      resent: 0,
      inFlight: 0,
    })
  })

  it('resends every unacknowledged frame after the server drops the connection, losing nothing', async () => {
    server = await startAckServer({ dropAtFrame: 37, replyDelayMs: 2 })
    const frames = batches(120, 50)
    const stats = await sendAll(new WsSender({ url: server.url, window: 8, backoff: FAST_BACKOFF }), frames)
    const expected = idsOf(frames)
    const received = new Set(server.ids)
    expect(expected.filter((id) => !received.has(id))).toEqual([])
    expect(server.connections).toBe(2)
    expect(stats.sent).toBe(6_000)
    expect(stats.acked).toBe(stats.sent)
    expect(stats.resent).toBeGreaterThan(0)
    expect(stats.reconnects).toBe(1)
    // Replies lost with the connection turn the resent events into duplicates: each id still counts once.
    expect(new Set(server.ids).size).toBe(6_000)
    expect(stats.accepted + stats.duplicates).toBe(stats.sent)
    expect(stats.inFlight).toBe(0)
  })

  it('keeps at most `window` frames without a reply', async () => {
    server = await startAckServer({ replyDelayMs: 5 })
    await sendAll(new WsSender({ url: server.url, window: 4 }), batches(40, 10))
    expect(server.maxOutstanding).toBe(4)
  })

  it('reconnects when the server is not up yet and sends what was queued', async () => {
    server = await startAckServer()
    const url = server.url
    await server.close()
    const sender = new WsSender({ url, backoff: FAST_BACKOFF })
    const frames = batches(3, 10)
    for (const frame of frames) await sender.send(frame)
    const port = Number(new URL(url).port)
    server = await startAckServer({ port })
    const stats = await sender.close()
    expect(server.ids).toEqual(idsOf(frames))
    expect(stats).toMatchObject({ sent: 30, acked: 30, resent: 0 })
  })

  it('carries the token and stops at once when the server refuses it', async () => {
    server = await startAckServer({ token: 's3cret' })
    const good = await sendAll(new WsSender({ url: server.url, token: 's3cret' }), batches(2, 5))
    expect(good.acked).toBe(10)
    expect(server.authorization).toContain('Bearer s3cret')
    const bad = new WsSender({ url: server.url, token: 'wrong', backoff: FAST_BACKOFF })
    await expect(sendAll(bad, batches(2, 5))).rejects.toThrow(/HTTP 401/)
  })

  it('paces frames to the target rate', async () => {
    server = await startAckServer()
    const started = performance.now()
    await sendAll(new WsSender({ url: server.url, rate: 2_000 }), batches(11, 100))
    // 1,100 events at 2,000/s: the first frame goes at once, the last after 10 x 50 ms.
    const elapsed = performance.now() - started
    expect(elapsed).toBeGreaterThan(450)
    expect(elapsed).toBeLessThan(2_000)
  })
})
