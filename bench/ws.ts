// WebSocket ingestion, sustained, every frame acknowledged and landed: the real IngestServer on 127.0.0.1
// with the engine in its worker thread (EngineHost) as its target, as in the app (its database already
// holding the simulation's opening connects), against a bare `ws` server that only parses and acks. The
// same client process drives both.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocketServer } from 'ws'
import { DEFAULT_INGEST, IngestServer } from '../src/main/ingest-server'
import { EngineHost } from '../src/main/engine-host'
import { openDb } from '../src/pipeline/db/open'
import { Engine } from '../src/pipeline/engine'
import { CLIENT, FRAME_EVENTS, SIZES, WARM_EVENTS, type Mode } from './config'
import { ndjsonFile, warmDb } from './datasets'
import { firstMessage, forkTs } from './fork'
import { floorRow, fmt, type BenchResult } from './report'
import type { ClientOptions, ClientResult } from './ws-client'

/** Runs the client in its own process; after `stopAfterMs` it stops waiting for replies and reports. */
export async function runClient(options: ClientOptions, stopAfterMs = Infinity): Promise<ClientResult> {
  const child = forkTs('ws-client.ts', [JSON.stringify(options)])
  const stop = Number.isFinite(stopAfterMs) ? setTimeout(() => child.send('stop'), stopAfterMs) : undefined
  const result = await firstMessage<ClientResult | { error: string }>(child).finally(() => clearTimeout(stop))
  if ('error' in result) throw new Error(`ws client: ${result.error}`)
  return result
}

/** Parses every frame as NDJSON and acks it, as Vigia's endpoint replies, and does nothing else. */
async function bareServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const http = createServer()
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: DEFAULT_INGEST.maxPayload,
  })
  http.on('upgrade', (req, socket, head) =>
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws)),
  )
  wss.on('connection', (ws) => {
    let seq = 0
    ws.send(JSON.stringify({ type: 'hello', protocol: 1, maxPayload: DEFAULT_INGEST.maxPayload }))
    ws.on('message', (data) => {
      const events = String(data)
        .split('\n')
        .map((line) => JSON.parse(line) as unknown)
      ws.send(
        JSON.stringify({
          type: 'ack',
          seq: String(++seq),
          accepted: events.length,
          duplicates: 0,
          rejected: 0,
          rejects: [],
        }),
      )
    })
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ingest`,
    close: async () => {
      for (const ws of wss.clients) ws.terminate()
      wss.close()
      await new Promise((resolve) => http.close(resolve))
    },
  }
}

/**
 * The worker applies retention as it starts, and the simulated events are older than its defaults: keep
 * them, so the engine starts from the database the other benchmarks start from.
 */
function keepEverything(dbPath: string): void {
  const engine = Engine.open(dbPath)
  const forever = 36_500
  engine.updateSettings({
    retentionDays: {
      landing: forever,
      bronze: forever,
      silver: forever,
      gold: forever,
      goldSeconds: forever,
    },
  })
  engine.close()
}

export async function wsBench(mode: Mode, kind: 'batch' | 'single'): Promise<BenchResult> {
  const events = kind === 'batch' ? SIZES[mode].wsBatchEvents : SIZES[mode].wsSingleEvents
  const frameEvents = kind === 'batch' ? FRAME_EVENTS : 1
  const file = await ndjsonFile(SIZES[mode].fileBytes)
  const client = (url: string): ClientOptions => ({
    url,
    ...CLIENT,
    frameEvents,
    source: { file, skip: WARM_EVENTS, events },
  })
  const check = (who: string, r: ClientResult) => {
    if (r.accepted !== events || r.errors > 0)
      throw new Error(`${who}: ${r.accepted} of ${events} events acknowledged, ${r.errors} errors`)
  }

  const bare = await bareServer()
  const limit = await runClient(client(bare.url))
  await bare.close()
  check('bare ws server', limit)

  const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-ws-'))
  try {
    await warmDb(join(dir, 'vigia.db'), mode)
    keepEverything(join(dir, 'vigia.db'))
    // As the app runs it: the engine (and its checkpointer) in worker threads, the endpoint on this one.
    const engine = await EngineHost.start(join(dir, 'vigia.db'))
    const db = openDb(join(dir, 'vigia.db'), { readonly: true })
    const silverCount = db.prepare<[], number>('SELECT count(*) FROM silver_events').pluck()
    const before = silverCount.get() ?? 0
    const goldOwes = db
      .prepare<[], number>(
        `SELECT coalesce(max(id), 0) - (SELECT last_id FROM pipeline_gold_watermarks WHERE stage = 'gold')
         FROM silver_events`,
      )
      .pluck()
    let engineMs = 0
    let calls = 0
    const server = await IngestServer.start(
      {
        ingestFrames: async (frames) => {
          const started = performance.now()
          calls++
          try {
            return await engine.call('ingestFrames', frames)
          } finally {
            engineMs += performance.now() - started
          }
        },
      },
      { ...DEFAULT_INGEST, port: 0 },
    )
    const vigia = await runClient(client(server.url))
    // Gold follows the acknowledgements (DEFAULT_GOLD_LAG_MS): the rate with gold caught up counts the
    // time it took to fold what was still waiting when the last frame was acknowledged.
    const waiting = goldOwes.get() ?? 0
    const settleStarted = performance.now()
    await engine.call('settleGold')
    const settleMs = performance.now() - settleStarted
    await server.close()
    await engine.stop()
    check('IngestServer', vigia)
    const landed = (silverCount.get() ?? 0) - before
    db.close()
    if (landed !== events) throw new Error(`${landed} of ${events} events landed in silver`)

    const rate = (r: ClientResult) => (r.events / r.elapsedMs) * 1000
    const label = kind === 'batch' ? '100-event frames' : 'one-event frames'
    return {
      rows: [
        floorRow(
          `WebSocket ingestion, ${label}, every frame acked`,
          rate(vigia),
          rate(limit),
          kind === 'batch' ? 100_000 : 60_000,
          'events',
          `${fmt.int(events)} events (after the first ${fmt.int(WARM_EVENTS)}, already in the database) from one client process, ${CLIENT.connections} connections x ${CLIENT.window} frames in flight; IngestServer + EngineHost worker (one engine call at a time: ${fmt.int(calls)} calls of ${fmt.int(events / calls)} events on average, in flight ${fmt.ratio(engineMs / vigia.elapsedMs)} of the run); gold folded the ${fmt.int(waiting)} events still waiting at the last ack in ${fmt.ms(settleMs)} more: ${fmt.rate((vigia.events / (vigia.elapsedMs + settleMs)) * 1000, 'events')} with gold caught up; limit: a bare ws server that parses and acks`,
        ),
      ],
      details: [],
      peakRss: process.resourceUsage().maxRSS * 1024,
      engine: true,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
