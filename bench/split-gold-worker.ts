// The gold writer of the split-gold experiment (bench/split-gold.ts): a thread with its own connection to a
// file of its own, folding the silver rows it is sent in one transaction with every batch that waited
// meanwhile, as the app's gold thread does (src/main/gold-worker.ts).
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads'
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
  let all = rows
  let end = false
  for (let next = receiveMessageOnPort(parentPort!); next; next = receiveMessageOnPort(parentPort!)) {
    const more = next.message as GoldInput[] | null
    if (more === null) end = true
    else all = all.concat(more)
  }
  fold(all)
  parentPort!.postMessage({ folded: all.length, busyMs: performance.now() - started })
  if (end) {
    db.close()
    parentPort!.close()
  }
})
parentPort!.postMessage({ ready: true })
