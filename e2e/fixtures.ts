// Each spec gets its own `vigia serve` (real engine worker, real SQLite file, real ws endpoint) on free
// ports, and a page opened on it. Screenshots of the main pages are kept in e2e/artifacts.
import { test as base, expect, type Page } from '@playwright/test'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDb } from '../src/pipeline/db/open'

export const ROOT = join(import.meta.dirname, '..')
export const ARTIFACTS = join(ROOT, 'e2e', 'artifacts')
const BIN = join(ROOT, 'bin', 'vigia.js')

export interface Vigia {
  uiUrl: string
  ingestUrl: string
  dbPath: string
  dir: string
  /** Runs another vigia command (simulate, import...) against this instance's database. */
  cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>
  /**
   * Waits until gold holds every event in silver: an acknowledged frame is in silver, and the engine folds
   * it into gold within its lag (docs/pipeline.md, "When gold is written").
   */
  goldCaughtUp(): Promise<void>
}

export async function startVigia(
  options: { demo?: 'on' | 'off' | 'auto'; env?: Record<string, string> } = {},
): Promise<{ vigia: Vigia; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-e2e-'))
  const dbPath = join(dir, 'vigia.db')
  const child = spawn(
    process.execPath,
    [BIN, '--db', dbPath, 'serve', '--port', '0', '--ingest-port', '0', '--demo', options.demo ?? 'off'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  )
  let output = ''
  const ready = new Promise<{ uiUrl: string; ingestUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vigia serve did not start:\n${output}`)), 30_000)
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const ui = /open (http:\/\/\S+)/.exec(output)
      const ingest = /ingestion endpoint (ws:\/\/\S+)/.exec(output)
      if (ui && ingest) {
        clearTimeout(timer)
        resolve({ uiUrl: ui[1]!, ingestUrl: ingest[1]! })
      }
    })
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('exit', (code) => reject(new Error(`vigia serve exited with ${code}:\n${output}`)))
  })
  const urls = await ready
  const vigia: Vigia = {
    ...urls,
    dbPath,
    dir,
    cli: (args) => run(process.execPath, [BIN, '--db', dbPath, ...args]),
    goldCaughtUp: () => goldCaughtUp(dbPath),
  }
  return {
    vigia,
    stop: async () => {
      await stopChild(child)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }))
  })
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })
}

export const test = base.extend<{ vigia: Vigia }>({
  vigia: async ({}, use) => {
    const { vigia, stop } = await startVigia()
    await use(vigia)
    await stop()
  },
})

export { expect }

async function goldCaughtUp(dbPath: string): Promise<void> {
  const db = openDb(dbPath, { readonly: true })
  const behind = db.prepare<[], { behind: number }>(
    `SELECT (SELECT coalesce(max(id), 0) FROM silver_events)
       - (SELECT last_id FROM pipeline_gold_watermarks WHERE stage = 'gold') AS behind`,
  )
  try {
    await expect.poll(() => behind.get()!.behind, { timeout: 30_000 }).toBeLessThanOrEqual(0)
  } finally {
    db.close()
  }
}
