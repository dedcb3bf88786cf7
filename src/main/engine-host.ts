// Runs the engine in a worker thread and gives the host a typed, promise-based handle on it.
import { EventEmitter } from 'node:events'
import type { Worker } from 'node:worker_threads'
import type { ImportProgress } from '../pipeline/importers/import-file'
import type { EngineEvent, EngineMethod, EngineRequests } from './engine-protocol'
import { WorkerClient, WorkerStoppedError, spawnWorker } from './worker-client'

export interface EngineHostEvents {
  /** Something was committed: readers may refresh. */
  committed: []
  'import-progress': [importId: string, progress: ImportProgress]
  exit: [code: number]
}

/** The worker is gone: nothing sent to it is known to be committed. */
export class EngineStoppedError extends WorkerStoppedError {}

export class EngineHost extends EventEmitter<EngineHostEvents> {
  private constructor(
    private readonly client: WorkerClient<EngineRequests, EngineEvent>,
    private readonly checkpointer: Worker,
  ) {
    super()
    client.on('event', (event) => {
      if (event.kind === 'import-progress') this.emit('import-progress', event.importId, event.progress)
      else this.emit('committed')
    })
    client.on('exit', (code) => this.emit('exit', code))
  }

  /**
   * Starts the worker and waits until the database is open and migrated; then the thread that checkpoints
   * the engine's write-ahead log (if that one fails, the engine checkpoints itself).
   */
  static async start(dbPath: string): Promise<EngineHost> {
    const client = await WorkerClient.start<EngineRequests, EngineEvent>(
      spawnWorker('engine-worker', { dbPath }),
      { name: 'the engine', stopped: (message) => new EngineStoppedError(message) },
    )
    const checkpointer = spawnWorker('checkpoint-worker', { dbPath })
    checkpointer.on('error', (error) =>
      console.error(`vigia checkpointer stopped: ${error.message}; the engine checkpoints itself`),
    )
    checkpointer.unref()
    return new EngineHost(client, checkpointer)
  }

  call<M extends EngineMethod>(
    method: M,
    ...args: EngineRequests[M]['args']
  ): Promise<EngineRequests[M]['result']> {
    return this.client.call(method, ...args)
  }

  async stop(): Promise<void> {
    await Promise.all([this.client.stop(), this.checkpointer.terminate()])
  }
}
