// Test helper: a real SQLite file in a fresh temporary folder, removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function tempDir(): { dir: string; path: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-test-'))
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) }
}

export function frame(value: unknown, seq: string | null = null, receivedAt = Date.now()) {
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return { source: 'test', seq, receivedAt, bytes: Buffer.from(text) }
}
