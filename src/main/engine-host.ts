// Runs the engine in a worker thread and gives the host a typed, promise-based handle on it. An engine that
// dies (out of its heap on a huge import, say) is started again: everything it committed is in the
// database, and what it had not answered is rejected, so the ingestion endpoint asks its clients to resend.
import { EventEmitter } from 'node:events'
import type { Worker } from 'node:worker_threads'
import type { ImportProgress } from '../pipeline/importers/import-file'
import type { EventSpan } from '../shared/api'
import type { EngineEvent, EngineMethod, EngineRequests } from './engine-protocol'
import { BusyMeter } from './load-meters'
import { WorkerClient, WorkerStoppedError, spawnWorker } from './worker-client'

export interface EngineHostEvents {
  /** Something was committed: readers may refresh (the span as in the UI's `data:changed` push). */
  committed: [span: EventSpan | null | undefined]
  'import-progress': [importId: string, progress: ImportProgress]
  /** The engine stopped and will not be started again. */
  exit: [code: number]
}

/** The worker is gone: nothing sent to it is known to be committed. */
export class EngineStoppedError extends WorkerStoppedError {}

export interface EngineHostOptions {
  /** Starts the engine's worker thread; tests pass their own to get hold of it. */
  spawn?: (dbPath: string) => Worker
  /** Where the host says that the engine stopped; console.error by default. */
  log?: (message: string) => void
  /** An engine that dies this soon after it started stays down: it would most likely die again. */
  crashLoopMs?: number
  /** How long gold may trail silver (EngineOptions.goldLagMs); DEFAULT_GOLD_LAG_MS by default. */
  goldLagMs?: number
}

type Client = WorkerClient<EngineRequests, EngineEvent>

const CRASH_LOOP_MS = 30_000

export class EngineHost extends EventEmitter<EngineHostEvents> {
  private client: Promise<Client>
  private startedAt = Date.now()
  private stopping = false
  private readonly busy = new BusyMeter()

  private constructor(
    private readonly dbPath: string,
    private readonly spawn: (dbPath: string) => Worker,
    private readonly log: (message: string) => void,
    private readonly crashLoopMs: number,
    private readonly checkpointer: Worker,
    first: Client,
  ) {
    super()
    this.client = Promise.resolve(first)
    this.watch(first)
  }

  /**
   * Starts the worker and waits until the database is open and migrated; then the thread that checkpoints
   * the engine's write-ahead log (if that one fails, the engine checkpoints itself).
   */
  static async start(dbPath: string, options: EngineHostOptions = {}): Promise<EngineHost> {
    const { goldLagMs } = options
    const spawn =
      options.spawn ?? ((path: string) => spawnWorker('engine-worker', { dbPath: path, goldLagMs }))
    const log = options.log ?? ((message: string) => console.error(message))
    const client = await EngineHost.launch(spawn(dbPath))
    const checkpointer = spawnWorker('checkpoint-worker', { dbPath })
    checkpointer.on('error', (error) =>
      log(`vigia: the checkpointer stopped: ${error.message}; the engine checkpoints itself`),
    )
    checkpointer.unref()
    return new EngineHost(dbPath, spawn, log, options.crashLoopMs ?? CRASH_LOOP_MS, checkpointer, client)
  }

  async call<M extends EngineMethod>(
    method: M,
    ...args: EngineRequests[M]['args']
  ): Promise<EngineRequests[M]['result']> {
    this.busy.begin(Date.now())
    try {
      return await (await this.client).call(method, ...args)
    } finally {
      this.busy.end(Date.now())
    }
  }

  /** The share of the last 10 s during which the engine had work from the host (0 to 1). */
  busyShare(now = Date.now()): number {
    return this.busy.share(now)
  }

  /** Stops the engine once gold holds what it owed (a stop that cannot wait leaves it to the next start). */
  async stop(): Promise<void> {
    this.stopping = true
    const client = await this.client.catch(() => null)
    await client?.call('settleGold').catch(() => {})
    await Promise.all([client?.stop(), this.checkpointer.terminate()])
  }

  private static launch(worker: Worker): Promise<Client> {
    return WorkerClient.start<EngineRequests, EngineEvent>(worker, {
      name: 'the engine',
      stopped: (message) => new EngineStoppedError(message),
    })
  }

  private watch(client: Client): void {
    client.on('event', (event) => {
      if (event.kind === 'import-progress') this.emit('import-progress', event.importId, event.progress)
      else this.emit('committed', event.span)
    })
    client.once('exit', (code) => {
      if (this.stopping) return
      if (Date.now() - this.startedAt < this.crashLoopMs) {
        this.log(
          `vigia: the engine worker stopped (exit code ${code}) less than ${this.crashLoopMs / 1000} s after it started; ingestion and imports fail until Vigia restarts`,
        )
        this.emit('exit', code)
        return
      }
      this.log(`vigia: the engine worker stopped (exit code ${code}); starting it again`)
      this.startedAt = Date.now()
      this.client = this.restart(code)
      // Calls wait on this.client and see its failure; only the restart itself is watched here.
      this.client.then(
        (started) => this.watch(started),
        () => {},
      )
    })
  }

  /**
   * A new engine worker. If it cannot start, every call fails with EngineStoppedError, so that the
   * ingestion endpoint asks its clients to resend later rather than answering their frames with errors.
   */
  private async restart(code: number): Promise<Client> {
    try {
      return await EngineHost.launch(this.spawn(this.dbPath))
    } catch (error) {
      const message = `the engine could not start again: ${(error as Error).message}`
      if (!this.stopping) {
        this.log(`vigia: ${message}; ingestion and imports fail until Vigia restarts`)
        this.emit('exit', code)
      }
      throw new EngineStoppedError(message)
    }
  }
}
