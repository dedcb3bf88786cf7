// Runs the engine in a worker thread and gives the host a typed, promise-based handle on it.
import { EventEmitter } from 'node:events'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { ImportProgress } from '../pipeline/importers/import-file'
import type { EngineMethod, EngineRequests, WorkerMessage } from './engine-protocol'

export interface EngineHostEvents {
  /** Something was committed: readers may refresh. */
  committed: []
  'import-progress': [importId: string, progress: ImportProgress]
  exit: [code: number]
}

/**
 * The bundled worker file in a build; from sources (CLI, tests) a bootstrap that registers tsx in the
 * worker first, since a worker does not inherit the loader of the thread that started it.
 */
function spawnWorker(dbPath: string): Worker {
  if (!fileURLToPath(import.meta.url).endsWith('.ts')) {
    return new Worker(new URL('./engine-worker.js', import.meta.url), { workerData: { dbPath } })
  }
  const tsx = import.meta.resolve('tsx/esm/api')
  const entry = new URL('./engine-worker.ts', import.meta.url).href
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}) })`
  return new Worker(bootstrap, { eval: true, workerData: { dbPath } })
}

/** The worker is gone: nothing sent to it is known to be committed. */
export class EngineStoppedError extends Error {}

export class EngineHost extends EventEmitter<EngineHostEvents> {
  private readonly worker: Worker
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private exited = false

  private constructor(worker: Worker) {
    super()
    this.worker = worker
  }

  /** Starts the worker and waits until the database is open and migrated. */
  static start(dbPath: string): Promise<EngineHost> {
    const worker = spawnWorker(dbPath)
    const host = new EngineHost(worker)
    return new Promise((resolve, reject) => {
      const onEarlyExit = (code: number) =>
        reject(new Error(`engine worker exited with code ${code} before it was ready`))
      worker.once('exit', onEarlyExit)
      worker.on('error', (error) => reject(error))
      worker.on('message', (message: WorkerMessage) => {
        if (message.kind === 'ready') {
          worker.off('exit', onEarlyExit)
          worker.on('exit', (code) => host.onExit(code))
          resolve(host)
        } else if (message.kind === 'fatal') {
          reject(new Error(message.message))
        } else {
          host.onMessage(message)
        }
      })
    })
  }

  call<M extends EngineMethod>(
    method: M,
    ...args: EngineRequests[M]['args']
  ): Promise<EngineRequests[M]['result']> {
    if (this.exited) return Promise.reject(new EngineStoppedError('the engine has stopped'))
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.worker.postMessage({ id, method, args })
    })
  }

  async stop(): Promise<void> {
    if (!this.exited) await this.worker.terminate()
  }

  private onMessage(message: WorkerMessage): void {
    switch (message.kind) {
      case 'result':
      case 'error': {
        const waiter = this.pending.get(message.id)
        this.pending.delete(message.id)
        if (message.kind === 'result') waiter?.resolve(message.result)
        else waiter?.reject(new Error(message.message))
        break
      }
      case 'import-progress':
        this.emit('import-progress', message.importId, message.progress)
        break
      case 'committed':
        this.emit('committed')
        break
    }
  }

  private onExit(code: number): void {
    this.exited = true
    for (const waiter of this.pending.values())
      waiter.reject(new EngineStoppedError(`the engine stopped (exit code ${code})`))
    this.pending.clear()
    this.emit('exit', code)
  }
}
