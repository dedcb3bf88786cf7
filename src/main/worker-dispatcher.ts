// The worker side of a request map: one handler per method, each reply posted back under the request's
// id. A handler that throws answers that call with its message; the worker keeps serving.
import { parentPort } from 'node:worker_threads'
import type { ReplyMessage, RequestMap, RequestMessage } from './worker-client'

export type Handlers<R extends RequestMap<R>> = {
  [M in keyof R]: (...args: R[M]['args']) => R[M]['result'] | Promise<R[M]['result']>
}

const port = parentPort!

const reply = (message: ReplyMessage) => port.postMessage(message)

// VIGIA_REQUEST_TIMES=1: each request's method and time in its handler on stderr, for benchmarks to say which
// of a page's calls take the time.
const timeRequests = process.env.VIGIA_REQUEST_TIMES === '1'

/** Posts one of the worker's own events (progress, commits) to the host, between the replies. */
export function postEvent<E extends { kind: string }>(event: E): void {
  port.postMessage(event)
}

/** Opens what the worker serves from (its database); if that fails, tells the host why and exits. */
export function openOrExit<T>(open: () => T): T {
  try {
    return open()
  } catch (error) {
    reply({ kind: 'fatal', message: (error as Error).message })
    process.exit(1)
  }
}

/** `openOrExit` for what opens asynchronously. */
export async function openOrExitAsync<T>(open: () => Promise<T>): Promise<T> {
  try {
    return await open()
  } catch (error) {
    reply({ kind: 'fatal', message: (error as Error).message })
    process.exit(1)
  }
}

/** Answers requests with `handlers` from now on, and tells the host the worker is ready. */
export function serveRequests<R extends RequestMap<R>>(handlers: Handlers<R>): void {
  port.on('message', async (message: RequestMessage<R>) => {
    const started = performance.now()
    try {
      const handler = handlers[message.method] as (...args: unknown[]) => unknown
      const result = await handler(...message.args)
      if (timeRequests) {
        const ms = (performance.now() - started).toFixed(1)
        // The wall clock at the end: a worker's stderr reaches the process's late when its main thread is busy.
        process.stderr.write(`vigia-request ${String(message.method)} ${ms} ms at ${Date.now()}\n`)
      }
      reply({ kind: 'result', id: message.id, result })
    } catch (error) {
      reply({ kind: 'error', id: message.id, message: (error as Error).message })
    }
  })
  reply({ kind: 'ready' })
}
