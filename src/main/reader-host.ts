// Runs the UI's reads in a worker thread of their own (src/main/reader-worker.ts), off the thread that
// serves the ingestion endpoint. A reader that dies is started again once; the service never goes down
// with it.
import type { Worker } from 'node:worker_threads'
import type { ReaderRequests } from './reader-protocol'
import { WorkerClient, spawnWorker } from './worker-client'

type Reader = WorkerClient<ReaderRequests>

export interface ReaderHostOptions {
  /** Starts the worker thread; tests pass their own to get hold of it. */
  spawn?: (dbPath: string) => Worker
  /** Where the host says that the reader stopped; console.error by default. */
  log?: (message: string) => void
}

export class ReaderHost {
  private reader: Promise<Reader>
  private restarted = false
  private stopping = false

  private constructor(
    private readonly dbPath: string,
    private readonly spawn: (dbPath: string) => Worker,
    private readonly log: (message: string) => void,
    first: Reader,
  ) {
    this.reader = Promise.resolve(first)
    this.watch(first)
  }

  /** Starts the worker and waits until its read-only connection is open: the database must exist. */
  static async start(dbPath: string, options: ReaderHostOptions = {}): Promise<ReaderHost> {
    const spawn = options.spawn ?? ((path: string) => spawnWorker('reader-worker', { dbPath: path }))
    const log = options.log ?? ((message: string) => console.error(message))
    return new ReaderHost(dbPath, spawn, log, await ReaderHost.launch(spawn(dbPath)))
  }

  /** Answered in the order asked; rejected with the reader's error (a busy database, say). */
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

  private static launch(worker: Worker): Promise<Reader> {
    return WorkerClient.start<ReaderRequests>(worker, { name: 'the reader' })
  }

  private watch(reader: Reader): void {
    reader.once('exit', (code) => {
      if (this.stopping) return
      if (this.restarted) {
        this.log(
          `vigia: the reader worker stopped again (exit code ${code}); the UI's reads fail until Vigia restarts`,
        )
        return
      }
      this.restarted = true
      this.log(`vigia: the reader worker stopped (exit code ${code}); starting it again`)
      const next = ReaderHost.launch(this.spawn(this.dbPath))
      next.then(
        (started) => this.watch(started),
        (error: Error) => this.log(`vigia: the reader worker could not start again: ${error.message}`),
      )
      this.reader = next
    })
  }
}
