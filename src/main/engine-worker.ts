// The engine's thread: it owns the only writable connection, so a long commit never blocks the UI or
// the ingestion endpoint.
import { workerData } from 'node:worker_threads'
import { Engine } from '../pipeline/engine'
import { AlertActions } from '../pipeline/alerts/alert-store'
import { leaveCheckpointsToOthers } from '../pipeline/db/wal-checkpoint'
import { importFile } from '../pipeline/importers/import-file'
import { deleteInventory, upsertInventory } from '../pipeline/inventory'
import type { EngineEvent, EngineRequests } from './engine-protocol'
import { openOrExit, postEvent, serveRequests } from './worker-dispatcher'

const post = (event: EngineEvent) => postEvent(event)

const { dbPath } = workerData as { dbPath: string }
const engine = openOrExit(() => Engine.open(dbPath))
// The host runs a checkpointer thread beside this one, so a commit here returns as soon as it is logged.
leaveCheckpointsToOthers(engine.db)

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
      if (left > 0 || Date.now() - before > 5) post({ kind: 'committed' })
    }),
  ALERTS_EVERY_MS,
).unref()
const RETENTION_EVERY_MS = 3600_000
background('retention', () => engine.applyRetention())
const retention = setInterval(
  () => background('retention', () => engine.applyRetention()),
  RETENTION_EVERY_MS,
)
retention.unref()

serveRequests<EngineRequests>({
  ingestFrames: (frames) => {
    const results = engine.ingestFrames(frames)
    post({ kind: 'committed' })
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
          post({ kind: 'committed' })
        },
      })
    } finally {
      imports.delete(importId)
      post({ kind: 'committed' })
    }
  },
  cancelImport: (importId) => {
    imports.get(importId)?.abort()
    return imports.has(importId)
  },
  rebuild: () => engine.rebuild(),
  applyRetention: () => engine.applyRetention(),
  layerSizes: () => engine.layerSizes(),
  getSettings: () => engine.settings.get(),
  updateSettings: (patch) => engine.updateSettings(patch),
  alertAck: (id, who, comment) => alertActions.ack(id, who, comment),
  alertSilence: (id, minutes, who, comment) => alertActions.silence(id, minutes, who, comment),
  alertsNotified: (ids) => alertActions.notified(ids),
  inventoryUpsert: (rows) => upsertInventory(engine.db, rows),
  inventoryDelete: (server) => deleteInventory(engine.db, server),
})
