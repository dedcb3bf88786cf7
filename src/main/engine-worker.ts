// The engine's thread: it owns the only writable connection, so a long commit never blocks the UI or
// the ingestion endpoint.
import { workerData } from 'node:worker_threads'
import { Engine } from '../pipeline/engine'
import { AlertActions } from '../pipeline/alerts/alert-store'
import { openDb } from '../pipeline/db/open'
import { leaveCheckpointsToOthers } from '../pipeline/db/wal-checkpoint'
import { importFile } from '../pipeline/importers/import-file'
import { deleteInventory, upsertInventory } from '../pipeline/inventory'
import { DEFAULT_GOLD_LAG_MS, type EngineEvent, type EngineRequests } from './engine-protocol'
import { logMemoryIfAsked } from './memory-log'
import { GoldThread } from './gold-thread'
import { openOrExit, openOrExitAsync, postEvent, serveRequests } from './worker-dispatcher'

const post = (event: EngineEvent) => postEvent(event)
/** Something was committed: the events folded into gold since the last post say which times changed. */
const committed = () => post({ kind: 'committed', span: engine.takeFoldedSpan() })
/** Something was committed that may change anything (a rebuild, retention, settings). */
const changedAll = () => post({ kind: 'committed' })

/** How often the worker looks whether gold is due. */
const GOLD_EVERY_MS = 50

const {
  dbPath,
  goldLagMs = DEFAULT_GOLD_LAG_MS,
  goldThread = process.env.VIGIA_GOLD_THREAD !== '0',
} = workerData as {
  dbPath: string
  goldLagMs?: number
  /** Gold folded on a thread of its own (gold-worker.ts); false folds it here, `goldLagMs` after a flush. */
  goldThread?: boolean
}
// The database migrated first, so that gold's thread opens it as it is.
openOrExit(() => openDb(dbPath).close())
const gold = goldThread
  ? await openOrExitAsync(() =>
      GoldThread.start(dbPath, {
        // Gold has folded: the readers may refresh, and whole minutes may be judged.
        onFolded: (span) => {
          post({ kind: 'committed', span })
          background('alert rules', () => engine.evaluateAlerts())
        },
        onExit: (code) => {
          console.error(`vigia engine: gold's thread stopped (exit code ${code}); the engine starts again`)
          process.exit(1)
        },
      }),
    )
  : null
const engine = openOrExit(() => Engine.open(dbPath, { goldLagMs, ...(gold ? { remoteGold: gold } : {}) }))
// The host runs a checkpointer thread beside this one, so a commit here returns as soon as it is logged.
leaveCheckpointsToOthers(engine.db)
logMemoryIfAsked('engine')

/**
 * Background work must never take the engine down: a busy database (another writer, such as a CLI import)
 * or a full disk is reported and tried again at the next tick.
 */
function background(what: string, work: () => void): void {
  try {
    work()
  } catch (error) {
    console.error(`vigia engine: ${what} failed, will retry: ${(error as Error).message}`)
  }
}

const imports = new Map<string, AbortController>()
const alertActions = new AlertActions(engine.db)

// Imported history is judged by the alert rules in slices, between other work, until caught up.
const ALERTS_EVERY_MS = 2000
setInterval(
  () =>
    background('alert rules', () => {
      const before = Date.now()
      const left = engine.evaluateAlerts()
      if (left > 0 || Date.now() - before > 5) committed()
    }),
  ALERTS_EVERY_MS,
).unref()
/** Folds gold when due; readers refresh once it is in. */
function foldDueGold(): void {
  if (engine.foldDueGold() > 0) committed()
}
// Also at once: a crash may have left gold behind silver.
background('gold', foldDueGold)
setInterval(() => background('gold', foldDueGold), GOLD_EVERY_MS).unref()
const RETENTION_EVERY_MS = 3600_000
const retain = () => {
  const deleted = engine.applyRetention()
  if (Object.values(deleted).some((rows) => rows > 0)) changedAll()
}
background('retention', retain)
const retention = setInterval(() => background('retention', retain), RETENTION_EVERY_MS)
retention.unref()

serveRequests<EngineRequests>({
  ingestFrames: (frames) => {
    const results = engine.ingestFrames(frames)
    committed()
    // A busy feed keeps the worker from its timer: gold is folded between calls as well, once the reply is
    // posted, so that the frames' acknowledgements never wait for a fold.
    setImmediate(() => background('gold', foldDueGold))
    return results
  },
  importFile: async (path, { force, importId, name }) => {
    const abort = new AbortController()
    imports.set(importId, abort)
    try {
      return await importFile(engine, path, {
        force,
        name,
        signal: abort.signal,
        onProgress: (progress) => {
          post({ kind: 'import-progress', importId, progress })
          committed()
        },
      })
    } finally {
      imports.delete(importId)
      // The import is done when all of it is in gold.
      background('gold', () => engine.settleGold())
      committed()
    }
  },
  cancelImport: (importId) => {
    imports.get(importId)?.abort()
    return imports.has(importId)
  },
  settleGold: () => {
    const folded = engine.settleGold()
    if (folded > 0) committed()
    return folded
  },
  rebuild: () => {
    const oldest = engine.rebuild()
    changedAll()
    return oldest
  },
  applyRetention: () => {
    const deleted = engine.applyRetention()
    changedAll()
    return deleted
  },
  layerSizes: () => engine.layerSizes(),
  getSettings: () => engine.settings.get(),
  updateSettings: (patch) => {
    const settings = engine.updateSettings(patch)
    changedAll()
    return settings
  },
  alertAck: (id, who, comment) => alertActions.ack(id, who, comment),
  alertSilence: (id, minutes, who, comment) => alertActions.silence(id, minutes, who, comment),
  alertsNotified: (ids) => alertActions.notified(ids),
  inventoryUpsert: (rows) => upsertInventory(engine.db, rows),
  inventoryDelete: (server) => deleteInventory(engine.db, server),
})
