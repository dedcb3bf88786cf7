// The build as the desktop app loads it: its worker files find each other. A worker's file is found next to
// the module that starts it (src/main/worker-client.ts): the engine's worker, built from out/main, must start
// gold's thread from the same build, and say it is ready. And `vigia serve` as `npm start` runs it headless:
// from sources, with the built workers.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { expect, test } from '@playwright/test'
import { startVigia } from './fixtures'

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

test('vigia serve from sources runs the built workers when told, and ingests into gold', async () => {
  // Told a directory without them, it cannot start: it does take its workers from there.
  const dir = mkdtempSync(join(tmpdir(), 'vigia-built-'))
  const bin = join(import.meta.dirname, '..', 'bin', 'vigia.js')
  const refused = spawnSync(
    process.execPath,
    [bin, '--db', join(dir, 'v.db'), 'serve', '--port', '0', '--ingest-port', '0'],
    {
      env: { ...process.env, VIGIA_BUILT_WORKERS: dir },
      encoding: 'utf8',
      timeout: 60_000,
    },
  )
  rmSync(dir, { recursive: true, force: true })
  expect(refused.status).not.toBe(0)
  expect(refused.stderr).toContain(join(dir, 'engine-worker.js'))

  const { vigia, stop } = await startVigia({
    env: { VIGIA_BUILT_WORKERS: join(import.meta.dirname, '..', 'out', 'main') },
  })
  try {
    const run = await vigia.cli(['simulate', '--url', vigia.ingestUrl, '--rate', '500', '--duration', '2s'])
    expect(run.code, run.stderr).toBe(0)
    await vigia.goldCaughtUp()
  } finally {
    await stop()
  }
})
