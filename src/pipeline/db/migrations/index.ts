// Numbered migrations, one file each, applied in order and recorded in PRAGMA user_version. A database whose
// user_version is newer than this list was written by a newer Vigia: we refuse to touch it. A migration,
// once released, is frozen (its file's hash is recorded in migrations.test.ts) and imports nothing but types
// from outside this folder: a change to the schema or to the live code is a new migration, never an edit
// of an old one.
import type { Db } from '../open'
import m001 from './001-medallion'
import m002 from './002-alerts'
import m003 from './003-client-usage-minute'
import m004 from './004-live-state'
import m005 from './005-client-servers'
import m006 from './006-device-minutes'
import m007 from './007-usage-in-event-time'
import m008 from './008-frame-lineage'
import m009 from './009-client-usage-parts'
import m010 from './010-drop-ts-index'
import m011 from './011-parts-total'
import m012 from './012-demo-payloads'
import m013 from './013-device-usage-ids'
import m014 from './014-latest-minute-in-devices'
import m015 from './015-multi-server-client-windows'
import m016 from './016-client-minutes'
import m017 from './017-connected-series'
import m018 from './018-gold-file'
import m019 from './019-device-slots'

/** SQL, and for a migration that computes in JavaScript, a function run after it in the same transaction. */
export type Migration = string | { sql: string; then: (db: Db) => void }

export const MIGRATIONS: readonly Migration[] = [
  m001,
  m002,
  m003,
  m004,
  m005,
  m006,
  m007,
  m008,
  m009,
  m010,
  m011,
  m012,
  m013,
  m014,
  m015,
  m016,
  m017,
  m018,
  m019,
]
