// Everything Vigia runs besides its window: the engine worker, the ingestion endpoint, the demo feed and a
// read-only connection for the metrics. The desktop app and the headless `serve` mode both start this.
import { openDb, type Db } from '../pipeline/db/open'
import type { IncomingFrame } from '../pipeline/engine'
import { overviewQuery } from '../pipeline/metrics/overview'
import type { Overview } from '../shared/metrics'
import type { ConnectionStatus } from '../shared/ingest'
import { DemoFeed, type DemoStatus } from './demo-feed'
import { EngineHost } from './engine-host'
import { IngestServer, type IngestServerOptions } from './ingest-server'

export interface ServiceOptions {
  dbPath: string
  ingest: IngestServerOptions
  /** 'auto' starts the demo feed when the database holds no events yet. */
  demo: 'auto' | 'on' | 'off'
}

export interface ServiceStatus {
  dbPath: string
  ingestUrl: string
  connections: ConnectionStatus[]
  demo: DemoStatus
}

export class VigiaService {
  private readonly overviewAt: ReturnType<typeof overviewQuery>

  private constructor(
    readonly options: ServiceOptions,
    readonly engine: EngineHost,
    readonly reader: Db,
    readonly ingest: IngestServer,
    readonly demo: DemoFeed,
  ) {
    this.overviewAt = overviewQuery(reader)
  }

  static async start(options: ServiceOptions): Promise<VigiaService> {
    const engine = await EngineHost.start(options.dbPath)
    try {
      const reader = openDb(options.dbPath, { readonly: true })
      const ingestFrames = (frames: IncomingFrame[]) => engine.call('ingestFrames', frames)
      const ingest = await IngestServer.start({ ingestFrames }, options.ingest)
      const demo = new DemoFeed({ ingestFrames })
      const service = new VigiaService(options, engine, reader, ingest, demo)
      const empty = reader.prepare('SELECT NOT EXISTS (SELECT 1 FROM silver_events) AS empty').get() as {
        empty: number
      }
      if (options.demo === 'on' || (options.demo === 'auto' && empty.empty === 1)) demo.start()
      return service
    } catch (error) {
      await engine.stop()
      throw error
    }
  }

  async overview(at = Date.now()): Promise<Overview> {
    const settings = await this.engine.call('getSettings')
    return this.overviewAt(at, settings)
  }

  status(): ServiceStatus {
    return {
      dbPath: this.options.dbPath,
      ingestUrl: this.ingest.url,
      connections: this.ingest.status(),
      demo: this.demo.status(),
    }
  }

  async stop(): Promise<void> {
    await this.demo.stop()
    await this.ingest.close()
    this.reader.close()
    await this.engine.stop()
  }
}
