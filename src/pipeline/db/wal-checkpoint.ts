// Checkpointing the write-ahead log off the writer's thread. In WAL mode the connection that commits past
// `wal_autocheckpoint` pages copies the whole log back into the database file before its commit returns.
// A flush rewrites tens of megabytes of device- and client-keyed pages, so that copy was about a fifth of
// the engine's time (docs/benchmarks.md). With a checkpointer of its own, the engine only appends.
import { DATABASE_SCHEMAS } from './gold-file'
import type { Db } from './open'

/**
 * The engine's own safety net when another thread checkpoints: if that thread stops or falls behind, the
 * writer checkpoints once the log passes this many pages (4 KiB each), so the log stays bounded.
 */
export const WRITER_FALLBACK_CHECKPOINT_PAGES = 32_768
/** After a checkpoint resets the log, its file is truncated to this size rather than kept at its peak. */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024

/**
 * Copies what the log holds into the database file without waiting on the writer or the readers
 * (PASSIVE): frames a reader's snapshot still needs stay for the next round.
 */
export function checkpointPassive(db: Db): void {
  db.pragma('wal_checkpoint(PASSIVE)')
}

/** Hands the log's checkpoints to another connection: the writer appends and only checkpoints as a fallback. */
export function leaveCheckpointsToOthers(db: Db): void {
  db.pragma(`wal_autocheckpoint = ${WRITER_FALLBACK_CHECKPOINT_PAGES}`)
  // Per file: the database's and gold's (gold-file.ts).
  for (const schema of DATABASE_SCHEMAS) db.pragma(`${schema}.journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`)
}
