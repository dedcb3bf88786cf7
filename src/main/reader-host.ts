// Runs the UI's reads in worker threads of their own (src/main/reader-worker.ts), off the thread that
// serves the ingestion endpoint. Two readers, each answering in order: the connected-devices chart's times
// on one, every other read on the other. An overview at T costs the reader tens to hundreds of ms: on one
// reader, opening the Overview or changing its range queued the chart behind the figures
// (docs/benchmarks.md). A reader that dies is started again once; the service never goes down with it.
import type { Worker } from 'node:worker_threads'
import type { ReaderRequests, ReaderWorkerData } from './reader-protocol'
import { WorkerClient, spawnWorker } from './worker-client'

type Reader = WorkerClient<ReaderRequests>

/** Which reader answers a request: the chart's times, or the rest (whose caches serve each other). */
type Lane = 'reads' | 'chart'

const LANE_OF: Partial<Record<keyof ReaderRequests, Lane>> = { connected: 'chart' }

export interface ReaderHostOptions {
  /** Starts a worker thread; tests pass their own to get hold of them (the reads' first, the chart's second). */
  spawn?: (dbPath: string, lane: Lane) => Worker
  /** Where the host says that a reader stopped; console.error by default. */
  log?: (message: string) => void
}

/** One reader worker, started again once if it dies. */
class ReaderLane {
  private reader: Promise<Reader>
  private restarted = false
  private stopping = false

  constructor(
    private readonly name: string,
    private readonly start: () => Promise<Reader>,
    private readonly log: (message: string) => void,
    first: Reader,
  ) {
    this.reader = Promise.resolve(first)
    this.watch(first)
  }

  async call<M extends keyof ReaderRequests>(
    method: M,
    ...args: ReaderRequests[M]['args']
  ): Promise<ReaderRequests[M]['result']> {
    return (await this.reader).call(method, ...args)
  }

  async stop(): Promise<void> {
    this.stopping = true
    const reader = await this.reader.catch(() => null)
    await reader?.stop()
  }

  private watch(reader: Reader): void {
    reader.once('exit', (code) => {
      if (this.stopping) return
      if (this.restarted) {
        this.log(
          `vigia: the ${this.name} worker stopped again (exit code ${code}); its reads fail until Vigia restarts`,
        )
        return
      }
      this.restarted = true
      this.log(`vigia: the ${this.name} worker stopped (exit code ${code}); starting it again`)
      const next = this.start()
      next.then(
        (started) => this.watch(started),
        (error: Error) => this.log(`vigia: the ${this.name} worker could not start again: ${error.message}`),
      )
      this.reader = next
    })
  }
}

export class ReaderHost {
  private constructor(private readonly lanes: Record<Lane, ReaderLane>) {}

  /** Starts the workers and waits until their read-only connections are open: the database must exist. */
  static async start(dbPath: string, options: ReaderHostOptions = {}): Promise<ReaderHost> {
    // Only the reads' worker reads the clients' rows gold's thread shares (ReaderWorkerData).
    const spawn =
      options.spawn ??
      ((path: string, lane: Lane) =>
        spawnWorker('reader-worker', {
          dbPath: path,
          sharedClients: lane === 'reads',
        } satisfies ReaderWorkerData))
    const log = options.log ?? ((message: string) => console.error(message))
    const lane = async (name: string, which: Lane) => {
      const start = () => WorkerClient.start<ReaderRequests>(spawn(dbPath, which), { name: `the ${name}` })
      return new ReaderLane(name, start, log, await start())
    }
    const reads = await lane('reader', 'reads')
    try {
      return new ReaderHost({ reads, chart: await lane('chart reader', 'chart') })
    } catch (error) {
      await reads.stop()
      throw error
    }
  }

  /** Answered in the order asked on each reader; rejected with the reader's error (a busy database, say). */
  call<M extends keyof ReaderRequests>(
    method: M,
    ...args: ReaderRequests[M]['args']
  ): Promise<ReaderRequests[M]['result']> {
    return this.lanes[LANE_OF[method] ?? 'reads'].call(method, ...args)
  }

  async stop(): Promise<void> {
    await Promise.all([this.lanes.reads.stop(), this.lanes.chart.stop()])
  }
}
