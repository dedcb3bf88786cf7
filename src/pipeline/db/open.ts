import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { explainDbError } from './explain-error'
import { registerDeviceSeen } from './device-seen'
import { attachGold, ensureGoldFile, goldFileMatches } from './gold-file'
import { MIGRATIONS } from './migrations'
import { nativeBindingPath } from './native-binding'
import { registerUsageParts } from './usage-parts'

export type Db = Database.Database

export class SchemaError extends Error {}

/**
 * The writer's page cache, in KiB (docs/benchmarks.md, change 22): gold's, whose b-trees keyed by device and
 * client a flush rewrites, and the database file's, which takes appends.
 */
const WRITER_GOLD_CACHE_KIB = 65_536
const WRITER_MAIN_CACHE_KIB = 32_768

export interface OpenOptions {
  /** Readers open the file read-only and never migrate. */
  readonly?: boolean
}

/** Opens the Vigia database with the pragmas every connection needs and, for the writer, migrates it. */
export function openDb(path: string, options: OpenOptions = {}): Db {
  try {
    return open(path, options)
  } catch (error) {
    throw error instanceof SchemaError ? error : explainDbError(error, path)
  }
}

function open(path: string, options: OpenOptions): Db {
  if (!options.readonly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const binding = nativeBindingPath()
  const db = new Database(path, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
    ...(binding ? { nativeBinding: binding } : {}),
  })
  db.pragma('busy_timeout = 5000')
  registerUsageParts(db)
  registerDeviceSeen(db)
  attachGold(db, path, options.readonly ? null : { cacheKib: WRITER_GOLD_CACHE_KIB })
  if (!options.readonly) {
    db.pragma('journal_mode = WAL')
    // NORMAL is durable across application crashes in WAL mode; only a power loss may roll back the last commits.
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    // A flush dirties about 12,000 pages of the b-trees keyed by device and client (48 MB): with the default
    // page cache (16 MB here) SQLite spills and reads them back within the transaction. Taken as used.
    db.pragma(`main.cache_size = -${WRITER_MAIN_CACHE_KIB}`)
    migrate(db)
    if (ensureGoldFile(db, () => openDb(':memory:')))
      console.error(
        `vigia: ${path}: gold's file was not this database's own; made again, gold folds silver again`,
      )
  } else {
    checkSchema(db)
  }
  return db
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > MIGRATIONS.length) {
    throw new SchemaError(
      `database schema version ${current} is newer than this Vigia knows (${MIGRATIONS.length}): upgrade Vigia or use another --db`,
    )
  }
  for (let version = current + 1; version <= MIGRATIONS.length; version++) {
    db.transaction(() => {
      const migration = MIGRATIONS[version - 1]!
      if (typeof migration === 'string') db.exec(migration)
      else {
        db.exec(migration.sql)
        migration.then(db)
      }
      db.pragma(`user_version = ${version}`)
    })()
  }
}

function checkSchema(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current !== MIGRATIONS.length) {
    throw new SchemaError(`database schema version ${current}, expected ${MIGRATIONS.length}`)
  }
  if (!goldFileMatches(db))
    throw new SchemaError(`gold's file is not this database's own: open it writable first`)
}
