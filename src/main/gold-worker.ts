// Gold's thread: it folds the silver rows the engine hands it into gold's file, on a connection of its own,
// while the engine lands and refines what comes next (docs/pipeline.md, "Gold's thread"). It tells the
// engine how far it got through memory they share (gold-shared.ts), and each fold's event time by message.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads'
import { openDb } from '../pipeline/db/open'
import { leaveCheckpointsToOthers } from '../pipeline/db/wal-checkpoint'
import { GoldFeed } from '../pipeline/gold/gold-feed'
import { GoldWriter } from '../pipeline/gold/gold-writer'
import { SharedClientsWriter } from '../pipeline/gold/shared-clients'
import { SharedSeenWriter, type SharedSeenBuffers } from '../pipeline/gold/shared-seen'
import { goldChannel, type GoldBroadcast } from './gold-broadcast'
import type { GoldToEngine, EngineToGold } from './gold-protocol'
import { GoldShared } from './gold-shared'
import { logMemoryIfAsked } from './memory-log'
import { openOrExit } from './worker-dispatcher'

const RETRY_MS = 1000
/** VIGIA_GOLD_LOG=1: each fold's events and time on stderr (docs/configuration.md). */
const logFolds = process.env.VIGIA_GOLD_LOG === '1'

const port = parentPort!
const {
  dbPath,
  shared: buffer,
  seen,
} = workerData as { dbPath: string; shared: SharedArrayBuffer; seen: SharedSeenBuffers }
const shared = new GoldShared(buffer)
const db = openOrExit(() => openDb(dbPath))
// The engine's checkpointer thread copies gold's log too (it checkpoints every attached file).
leaveCheckpointsToOthers(db)
// The readers read the clients' rows and the devices' last seen in memory gold's thread shares
// (shared-clients.ts, shared-seen.ts), with the clients' names by message (gold-broadcast.ts); a reader that
// says hello gets all of it with the next commit.
const clientRows = new SharedClientsWriter()
// The engine's thread made it, and reads it for the alert rules (gold-thread.ts).
const devicesSeen = new SharedSeenWriter(seen)
let sendShared = true
const channel = goldChannel(dbPath, (message) => {
  if (message.kind !== 'hello') return
  writer.resendShared()
  sendShared = true
  // At once: the devices' last seen of gold's last commit are there already, and a reader needs them while
  // the rows lag (no commit may come for a while).
  broadcast({ kind: 'devices-shared', buffers: devicesSeen.buffers })
})
const broadcast = (message: GoldBroadcast) => channel.postMessage(message)
const writer = new GoldWriter(db, {
  // The devices' rows whose last seen alone moved are written once a minute: the readers take those from
  // gold's memory meanwhile (shared-seen.ts, seen-marker.ts).
  deviceStates: { deferSeen: true },
  onCommit: ({ clients, devices, epoch, watermark }) => {
    if (sendShared) {
      broadcast({ kind: 'clients-shared', buffers: clientRows.buffers })
      broadcast({ kind: 'devices-shared', buffers: devicesSeen.buffers })
    }
    sendShared = false
    const names = clientRows.publish(clients, epoch, watermark)
    if (names) broadcast({ kind: 'client-names', names })
    devicesSeen.publish(devices, epoch, watermark)
  },
})
writer.preload()
const feed = new GoldFeed(writer)
// A crash may have left gold behind silver.
feed.want(writer.lastSilverId())
shared.publish({ watermark: writer.watermark(), paused: false, failed: false })
logMemoryIfAsked('gold')

const post = (message: GoldToEngine) => port.postMessage(message)

function handle(message: EngineToGold): void {
  if (message.kind === 'rows') feed.add(message.rows)
  else if (message.kind === 'settle') feed.want(message.upTo)
  else if (message.kind === 'pause') {
    feed.pause()
    shared.publish({ paused: true })
  } else {
    feed.resume()
    shared.publish({ paused: false, watermark: writer.watermark() })
  }
}

let scheduled = false
function schedule(delayMs = 0): void {
  if (scheduled) return
  scheduled = true
  const run = () => {
    scheduled = false
    work()
  }
  if (delayMs > 0) setTimeout(run, delayMs)
  else setImmediate(run)
}

/** One fold, then back to the event loop (a pause waits for no more than a fold). */
function work(): void {
  // What arrived meanwhile joins this fold: the longer gold was busy, the larger and cheaper its next fold.
  for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port))
    handle(next.message as EngineToGold)
  if (feed.idle) return
  try {
    const started = performance.now()
    const folded = feed.step()
    if (logFolds)
      console.error(`vigia gold: folded ${folded} events in ${Math.round(performance.now() - started)} ms`)
    shared.publish({ watermark: writer.watermark(), failed: false })
    post({ kind: 'folded', span: writer.takeFoldedSpan() })
    schedule()
  } catch (error) {
    console.error(`vigia gold: a fold failed, will retry: ${(error as Error).message}`)
    shared.publish({ failed: true })
    feed.want(writer.lastSilverId())
    schedule(RETRY_MS)
  }
}

port.on('message', (message: EngineToGold) => {
  handle(message)
  schedule()
})
post({ kind: 'ready' })
schedule()
