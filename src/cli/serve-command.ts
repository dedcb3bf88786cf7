// `vigia serve`: Vigia without Electron. The engine, the ingestion endpoint and the demo feed run here, and
// the UI is served to a browser. This is how a team shares one Vigia, and how the UI is tested.
import { InvalidArgumentError, type Command } from 'commander'
import { DEFAULT_GOLD_LAG_MS } from '../main/engine-protocol'
import { DEFAULT_INGEST, MAX_FRAME_LIMIT } from '../main/ingest-server'
import { logMemoryIfAsked } from '../main/memory-log'
import { UiServer } from '../main/ui-server'
import { VigiaService } from '../main/vigia-service'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'

export function registerServe(program: Command): Command {
  return program
    .command('serve')
    .description('run Vigia without Electron: engine, ingestion endpoint, demo feed and the UI for a browser')
    .option('--host <host>', 'address of the UI', process.env.VIGIA_HOST ?? '127.0.0.1')
    .option('--port <port>', 'port of the UI', port, Number(process.env.VIGIA_PORT ?? 7421))
    .option(
      '--ingest-host <host>',
      'address of the ingestion endpoint',
      process.env.VIGIA_INGEST_HOST ?? DEFAULT_INGEST.host,
    )
    .option(
      '--ingest-port <port>',
      'port of the ingestion endpoint',
      port,
      Number(process.env.VIGIA_INGEST_PORT ?? DEFAULT_INGEST.port),
    )
    .option(
      '--token <token>',
      'required from clients; needed to listen beyond loopback',
      process.env.VIGIA_TOKEN,
    )
    .option('--max-frame <bytes>', 'largest WebSocket frame accepted', frameBytes, DEFAULT_INGEST.maxPayload)
    .option(
      '--gold-lag <ms>',
      "with VIGIA_GOLD_THREAD=0: how long the metrics (gold) may trail acknowledged events (gold's own thread folds at once)",
      goldLag,
      process.env.VIGIA_GOLD_LAG_MS === undefined
        ? DEFAULT_GOLD_LAG_MS
        : goldLag(process.env.VIGIA_GOLD_LAG_MS),
    )
    .option(
      '--demo <mode>',
      'demo feed: auto (when the database is empty), on or off',
      demoMode,
      'auto' as const,
    )
    .action(async (options: ServeOptions) => {
      logMemoryIfAsked('main')
      const dbPath = program.opts<{ db: string }>().db
      const service = await VigiaService.start({
        dbPath,
        demo: options.demo,
        goldLagMs: options.goldLag,
        ingest: {
          host: options.ingestHost,
          port: options.ingestPort,
          path: DEFAULT_INGEST.path,
          token: options.token,
          maxPayload: options.maxFrame,
        },
      })
      let ui: UiServer
      try {
        ui = await UiServer.start(service, {
          host: options.host,
          port: options.port,
          token: options.token,
          staticDir: UI_DIR,
          uploadDir: join(dirname(dbPath), 'uploads'),
        })
      } catch (error) {
        await service.stop()
        throw error
      }
      const status = await service.status()
      console.log(`vigia: database ${dbPath}`)
      if (!existsSync(join(UI_DIR, 'index.html')))
        console.log('vigia: the UI is not built yet: run `npm run build`')
      console.log(`vigia: open ${ui.url}${options.token ? '?token=<token>' : ''}`)
      console.log(`vigia: ingestion endpoint ${status.ingestUrl}${options.token ? ' (token required)' : ''}`)
      if (status.demo.running)
        console.log(`vigia: demo feed on (${status.demo.rate} events/s); --demo off to disable`)
      const stop = async () => {
        await ui.close()
        await service.stop()
        process.exit(0)
      }
      process.once('SIGINT', () => void stop())
      process.once('SIGTERM', () => void stop())
    })
}

const UI_DIR = join(import.meta.dirname, '..', '..', 'out', 'renderer')

interface ServeOptions {
  host: string
  port: number
  ingestHost: string
  ingestPort: number
  token?: string
  maxFrame: number
  goldLag: number
  demo: 'auto' | 'on' | 'off'
}

function port(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('expected a port number')
  return n
}

// At most one engine batch: a frame is committed in one transaction, and the engine's heap is limited.
function frameBytes(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1024 || n > MAX_FRAME_LIMIT)
    throw new InvalidArgumentError(`expected a number of bytes from 1024 to ${MAX_FRAME_LIMIT}`)
  return n
}

// At most an hour: gold that far behind the feed is a typo, not a setting.
function goldLag(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 3_600_000)
    throw new InvalidArgumentError('expected a number of milliseconds from 0 to 3600000')
  return n
}

function demoMode(value: string): 'auto' | 'on' | 'off' {
  if (value !== 'auto' && value !== 'on' && value !== 'off')
    throw new InvalidArgumentError('expected auto, on or off')
  return value
}
