import { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { WorkerClient, WorkerStoppedError } from './worker-client'

interface TestRequests {
  echo: { args: [value: number]; result: number }
  /** Never answered. */
  hang: { args: []; result: void }
  exit: { args: [code: number]; result: void }
}

/** A worker in plain JavaScript, so the test needs no loader in the thread. */
const TEST_WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
if (workerData.fatal) {
  parentPort.postMessage({ kind: 'fatal', message: workerData.fatal })
} else {
  parentPort.on('message', ({ id, method, args }) => {
    if (method === 'echo') parentPort.postMessage({ kind: 'result', id, result: args[0] })
    else if (method === 'exit') process.exit(args[0])
  })
  parentPort.postMessage({ kind: 'ready' })
}
`

describe('the generic worker client', () => {
  let client: WorkerClient<TestRequests> | undefined
  const start = (workerData: object = {}) =>
    WorkerClient.start<TestRequests>(new Worker(TEST_WORKER, { eval: true, workerData }), {
      name: 'the test worker',
    })

  afterEach(async () => {
    await client?.stop()
    client = undefined
  })

  it('rejects the calls still pending when its worker exits, and every call after', async () => {
    client = await start()
    expect(await client.call('echo', 7)).toBe(7)
    const exited = new Promise<number>((resolve) => client!.once('exit', resolve))
    const hanging = client.call('hang')
    const exiting = client.call('exit', 3)
    await expect(hanging).rejects.toThrow(WorkerStoppedError)
    await expect(hanging).rejects.toThrow('the test worker stopped (exit code 3)')
    await expect(exiting).rejects.toThrow(WorkerStoppedError)
    expect(await exited).toBe(3)
    expect(client.running).toBe(false)
    await expect(client.call('echo', 1)).rejects.toThrow('the test worker has stopped')
  })

  it('rejects calls with the error its caller chose for a stopped worker', async () => {
    class GoneError extends Error {}
    client = await WorkerClient.start<TestRequests>(new Worker(TEST_WORKER, { eval: true, workerData: {} }), {
      name: 'the test worker',
      stopped: (message) => new GoneError(message),
    })
    await expect(client.call('exit', 0)).rejects.toThrow(GoneError)
  })

  it('fails to start with the reason the worker gave', async () => {
    await expect(start({ fatal: 'no such database' })).rejects.toThrow('no such database')
  })
})
