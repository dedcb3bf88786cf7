// The checkpointer's thread: it copies the write-ahead log into the database file between the engine's
// commits, so the engine's thread only appends (src/pipeline/db/wal-checkpoint.ts). It serves no requests;
// if it fails, the engine checkpoints itself once the log passes its fallback size.
import { workerData } from 'node:worker_threads'
import { openDb } from '../pipeline/db/open'
import { checkpointPassive } from '../pipeline/db/wal-checkpoint'

// Often enough that the log rarely holds more than one or two flushes.
const EVERY_MS = 200
const REPORT_FAILURE_EVERY_MS = 60_000

const db = openDb((workerData as { dbPath: string }).dbPath)
let lastReport = 0
setInterval(() => {
  try {
    checkpointPassive(db)
  } catch (error) {
    if (Date.now() - lastReport < REPORT_FAILURE_EVERY_MS) return
    lastReport = Date.now()
    console.error(`vigia checkpointer: ${(error as Error).message}; the engine checkpoints itself meanwhile`)
  }
}, EVERY_MS)
