// The host side of a worker thread that serves a typed request map: it starts the worker, waits until it
// is ready, and turns each request into a promise. The engine and the reader both run behind one.
import { EventEmitter } from 'node:events'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker, type WorkerOptions } from 'node:worker_threads'

/** Method -> arguments -> result, the same on both sides of the thread. */
export type RequestMap<R> = { [M in keyof R]: { args: unknown[]; result: unknown } }

export interface RequestMessage<R extends RequestMap<R>, M extends keyof R = keyof R> {
  id: number
  method: M
  args: R[M]['args']
}

/** What a worker posts besides its own events: ready or fatal once, then one reply per request. */
export type ReplyMessage =
  | { kind: 'ready' }
  | { kind: 'fatal'; message: string }
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'error'; id: number; message: string }

/** The worker is gone: a call it had not answered never will be. */
export class WorkerStoppedError extends Error {}

export type WorkerEntry = 'engine-worker' | 'gold-worker' | 'reader-worker' | 'checkpoint-worker'

// V8 sizes each thread's young generation for throughput (up to 48 MB); each worker is a thread of its own,
// so the app's memory grows with them. The reader's objects are short-lived query results: a small young
// generation costs it more frequent scavenges, not failures.
// The engine keeps about 25 MB alive between flushes, and a flush's records are garbage once it commits.
// Without a limit V8 let that garbage reach 230 MB before collecting it (on a 24 GB machine); a limit also
// lowers the heap size at which V8 starts collecting. With 384 MB the engine's heap peaked at 150 MB in the
// latency benchmark at the same throughput; the largest flush (8 MiB of frames, or a 50,000-record
// catch-up) stays well below it (docs/benchmarks.md, peak memory).
/** The engine worker's heap, in MB: its flushes' garbage is collected early (docs/benchmarks.md, change 12). */
export const ENGINE_HEAP_MB = 384

const RESOURCE_LIMITS: Record<
  WorkerEntry,
  { maxYoungGenerationSizeMb?: number; maxOldGenerationSizeMb?: number }
> = {
  'engine-worker': { maxOldGenerationSizeMb: ENGINE_HEAP_MB },
  // Gold's thread keeps every device's state (up to 256 MiB) and folds the largest batches.
  'gold-worker': { maxOldGenerationSizeMb: ENGINE_HEAP_MB },
  'reader-worker': { maxYoungGenerationSizeMb: 8 },
  'checkpoint-worker': { maxYoungGenerationSizeMb: 2 },
}

/**
 * Where the host runs from sources but a build of the same sources exists (`npm start` builds, then runs
 * `vigia serve` from sources when headless): the directory of the built workers, which it starts instead.
 * A worker from sources registers tsx, which gives it a module loader thread and a heap of its own: the five
 * of them took about 100 MB (docs/benchmarks.md, the tenth steps).
 */
export const BUILT_WORKERS_ENV = 'VIGIA_BUILT_WORKERS'

/**
 * The bundled worker file in a build (next to the main entry, or in the directory BUILT_WORKERS_ENV names);
 * from sources (CLI, tests) a bootstrap that registers tsx in the worker first, since a worker does not
 * inherit the loader of the thread that started it.
 */
export function spawnWorker(entry: WorkerEntry, workerData: unknown): Worker {
  const resourceLimits = RESOURCE_LIMITS[entry]
  if (!fileURLToPath(import.meta.url).endsWith('.ts')) {
    return new Worker(new URL(`./${entry}.js`, import.meta.url), { workerData, resourceLimits })
  }
  const built = process.env[BUILT_WORKERS_ENV]
  if (built) return new Worker(join(built, `${entry}.js`), { workerData, resourceLimits })
  return sourceWorker(new URL(`./${entry}.ts`, import.meta.url), { workerData, resourceLimits })
}

/** A worker running a TypeScript source file: it registers tsx first (sources only, as in tests and benchmarks). */
export function sourceWorker(source: URL, options: WorkerOptions): Worker {
  const tsx = import.meta.resolve('tsx/esm/api')
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(source.href)}) })`
  return new Worker(bootstrap, { ...options, eval: true })
}

interface ClientEvents<E> {
  /** A message that is not a reply: the worker's own events (progress, commits). */
  event: [message: E]
  exit: [code: number]
}

export interface WorkerClientOptions {
  /** Names the worker in errors: "the engine", "the reader". */
  name: string
  /** The error that rejects calls once the worker is gone (EngineHost keeps its own class). */
  stopped?: (message: string) => Error
}

export class WorkerClient<R extends RequestMap<R>, E = never> extends EventEmitter<ClientEvents<E>> {
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private exited = false
  private readonly stopped: (message: string) => Error

  private constructor(
    private readonly worker: Worker,
    private readonly options: WorkerClientOptions,
  ) {
    super()
    this.stopped = options.stopped ?? ((message) => new WorkerStoppedError(message))
  }

  /** Waits until the worker says it is ready (its database open), or fails with the reason it gave. */
  static start<R extends RequestMap<R>, E = never>(
    worker: Worker,
    options: WorkerClientOptions,
  ): Promise<WorkerClient<R, E>> {
    const client = new WorkerClient<R, E>(worker, options)
    return new Promise((resolve, reject) => {
      const onEarlyExit = (code: number) =>
        reject(new Error(`${options.name} worker exited with code ${code} before it was ready`))
      worker.once('exit', onEarlyExit)
      worker.on('error', (error) => reject(error))
      worker.on('message', (message: ReplyMessage | E) => {
        const reply = message as ReplyMessage
        if (reply.kind === 'ready') {
          worker.off('exit', onEarlyExit)
          worker.on('exit', (code) => client.onExit(code))
          resolve(client)
        } else if (reply.kind === 'fatal') {
          reject(new Error(reply.message))
        } else if (reply.kind === 'result' || reply.kind === 'error') {
          client.onReply(reply)
        } else {
          client.emit('event', message as E)
        }
      })
    })
  }

  get running(): boolean {
    return !this.exited
  }

  call<M extends keyof R & string>(method: M, ...args: R[M]['args']): Promise<R[M]['result']> {
    if (this.exited) return Promise.reject(this.stopped(`${this.options.name} has stopped`))
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      const message: RequestMessage<R, M> = { id, method, args }
      this.worker.postMessage(message)
    })
  }

  async stop(): Promise<void> {
    if (!this.exited) await this.worker.terminate()
  }

  private onReply(reply: Extract<ReplyMessage, { id: number }>): void {
    const waiter = this.pending.get(reply.id)
    this.pending.delete(reply.id)
    if (reply.kind === 'result') waiter?.resolve(reply.result)
    else waiter?.reject(new Error(reply.message))
  }

  private onExit(code: number): void {
    this.exited = true
    for (const waiter of this.pending.values())
      waiter.reject(this.stopped(`${this.options.name} stopped (exit code ${code})`))
    this.pending.clear()
    this.emit('exit', code)
  }
}
