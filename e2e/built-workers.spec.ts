// The build as the desktop app loads it: its worker files find each other. A worker's file is found next to
// the module that starts it (src/main/worker-client.ts): the engine's worker, built from out/main, must start
// gold's thread from the same build, and say it is ready.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { expect, test } from '@playwright/test'

const BUILT_ENGINE = join(import.meta.dirname, '..', 'out', 'main', 'engine-worker.js')

test("the built engine worker starts gold's thread from the build and is ready", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-built-'))
  const worker = new Worker(BUILT_ENGINE, { workerData: { dbPath: join(dir, 'vigia.db') } })
  try {
    const first = await new Promise<{ kind: string; message?: string }>((resolve, reject) => {
      worker.on('message', (message: { kind: string }) => {
        if (message.kind === 'ready' || message.kind === 'fatal') resolve(message)
      })
      worker.once('error', reject)
      worker.once('exit', (code) => reject(new Error(`the built engine worker exited with ${code}`)))
    })
    expect(first.message ?? '').toBe('')
    expect(first.kind).toBe('ready')
  } finally {
    await worker.terminate()
    rmSync(dir, { recursive: true, force: true })
  }
})
