// The gold writer of the split-gold experiment (bench/split-gold.ts): a thread with its own connection to a
// file of its own, folding the silver rows it is sent, one transaction per batch, as the engine's flush
// folds them today.
import { parentPort, workerData } from 'node:worker_threads'
import { openDb } from '../src/pipeline/db/open'
import { leaveCheckpointsToOthers } from '../src/pipeline/db/wal-checkpoint'
import { GoldStage, type GoldInput } from '../src/pipeline/gold/gold-stage'
import { Watermarks } from '../src/pipeline/watermarks'

const { dbPath } = workerData as { dbPath: string }
const db = openDb(dbPath)
leaveCheckpointsToOthers(db)
const gold = new GoldStage(db, new Watermarks(db))
const fold = db.transaction((rows: GoldInput[]) => gold.fold(rows))

parentPort!.on('message', (rows: GoldInput[] | null) => {
  if (rows === null) {
    db.close()
    parentPort!.close()
    return
  }
  const started = performance.now()
  fold(rows)
  parentPort!.postMessage({ folded: rows.length, busyMs: performance.now() - started })
})
parentPort!.postMessage({ ready: true })
