// Test helpers for importers: a stream of ordinary usage events, and the proof that landing holds every
// byte of a file (compared by hash: deep equality of megabyte buffers is slow and its diff unreadable).
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Db } from '../db/open'

export const usageEvent = (i: number, t0: number) => ({
  id: `u${i}`,
  ts: t0 + i,
  type: 'usage',
  server: `s${i % 3}`,
  device: `d${i % 50}`,
  client: `c${i % 20}`,
  bytes_down: 1000 + i,
  bytes_up: 10,
})

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

export const fileHash = (path: string): string => sha256(readFileSync(path))

/** The hash of all file chunks in landing, in order. */
export function landedFileHash(db: Db): string {
  const chunks = db
    .prepare<[], { bytes: Buffer }>(
      `SELECT bytes FROM landing_payloads WHERE kind = 'file-chunk' ORDER BY id`,
    )
    .all()
  return sha256(Buffer.concat(chunks.map((r) => r.bytes)))
}
