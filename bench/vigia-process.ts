// A `vigia` command started as a child process by a benchmark, its output kept to wait on and to report; and
// what the benchmarks that drive the UI in Chromium share: the built renderer, a database of imported
// traffic, waiting on a condition.
import type { Page } from '@playwright/test'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { APP_ENV, APP_NODE_OPTIONS, ROOT_DIR } from './config'

export const VIGIA_BIN = join(ROOT_DIR, 'bin', 'vigia.js')

/**
 * Starts `vigia ...args` as `npm start` starts it (APP_NODE_OPTIONS, APP_ENV), with Node's `nodeOptions` (such
 * as --cpu-prof) and `env` added; stdout and stderr are kept together.
 */
export function startVigia(
  args: string[],
  nodeOptions: string[] = [],
  env: Record<string, string> = {},
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [...APP_NODE_OPTIONS, ...nodeOptions, VIGIA_BIN, ...args], {
    cwd: ROOT_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...APP_ENV, ...process.env, ...env },
  })
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  return { child, output: () => out }
}

/** Runs `vigia ...args` to its end. */
const runVigia = (args: string[]): void => {
  execFileSync(process.execPath, [VIGIA_BIN, ...args], { cwd: ROOT_DIR, stdio: 'ignore' })
}

export interface Traffic {
  /** Events per second of simulated time, and how many seconds of it. */
  rate: number
  seconds: number
  devices: number
  servers: number
  /** The traffic ends this many seconds before the clock. */
  quietS: number
}

/** `db` filled with `traffic` imported from a simulated NDJSON file in `dir`; returns its first event's time. */
export function importTraffic(dir: string, db: string, traffic: Traffic): number {
  const file = join(dir, 'traffic.ndjson')
  const first = Math.floor(Date.now() / 1000) * 1000 - (traffic.seconds + traffic.quietS) * 1000
  runVigia(
    ['simulate', '--to-file', file, '--start', String(first), '--rate', String(traffic.rate)]
      .concat(['--events', String(traffic.rate * traffic.seconds), '--devices', String(traffic.devices)])
      .concat(['--servers', String(traffic.servers), '--bad-share', '0']),
  )
  runVigia(['--db', db, 'import', file])
  return first
}

function newest(dir: string): number {
  let t = 0
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name)
    t = Math.max(t, name.isDirectory() ? newest(path) : statSync(path).mtimeMs)
  }
  return t
}

/**
 * Builds the app when its sources are newer than the build: `serve` serves the built renderer, and the
 * benchmarks run the built worker threads, as the app does (run.ts).
 */
export function ensureBuilt(): void {
  const built = [join(ROOT_DIR, 'out', 'renderer', 'index.html'), join(ROOT_DIR, 'out', 'main', 'index.js')]
  const sources = newest(join(ROOT_DIR, 'src'))
  if (built.every((file) => existsSync(file) && statSync(file).mtimeMs >= sources)) return
  execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT_DIR, stdio: 'ignore' })
}

export async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

/**
 * Until the Overview's connected-devices chart has every time it asks (about 30 past times): its panel says
 * what T it answers (data-at) only once all are in. (Waiting for its progress bar to show, then to go,
 * counted a 10 s timeout whenever the chart filled before the bar was seen.)
 */
export const connectedChartFilled = (page: Page): Promise<void> =>
  page
    .locator('[data-panel="connected-devices"][data-at]:not([data-state="loading"])')
    .waitFor({ timeout: 120_000 })

/** One call of the page's API: its method, when the page sent it and when the answer came (performance.now()). */
export interface Call {
  method: string
  sentMs: number
  answeredMs?: number
}

/**
 * Watches the API calls the page makes over its WebSocket while `counting()` says so: each call by id, as
 * sent and answered (the first frame naming its id).
 */
export function watchCalls(page: Page, counting: () => boolean): Map<number, Call> {
  const calls = new Map<number, Call>()
  page.on('websocket', (socket) => {
    socket.on('framesent', (frame) => {
      if (!counting() || typeof frame.payload !== 'string') return
      const m = /^\{"id":(\d+),"method":"([^"]+)"/.exec(frame.payload)
      if (m) calls.set(Number(m[1]), { method: m[2]!, sentMs: performance.now() })
    })
    socket.on('framereceived', (frame) => {
      if (!counting() || typeof frame.payload !== 'string') return
      const id = /"id":(\d+)/.exec(frame.payload.slice(0, 40))?.[1]
      const call = id === undefined ? undefined : calls.get(Number(id))
      if (call && call.answeredMs === undefined) call.answeredMs = performance.now()
    })
  })
  return calls
}

/** Calls as `method sent..answered`, in ms after `fromMs`, in the order sent ('?' for no answer yet). */
export const callsText = (calls: Iterable<Call>, fromMs: number): string =>
  [...calls]
    .map(
      (c) =>
        `${c.method} ${(c.sentMs - fromMs).toFixed(0)}..${c.answeredMs === undefined ? '?' : (c.answeredMs - fromMs).toFixed(0)}`,
    )
    .join(', ')

/**
 * The workers' handlers (`VIGIA_REQUEST_TIMES=1`) logged in `output` that ended at or after `sinceWall` (ms
 * since the epoch), as `method ms`, in the order they ran.
 */
export const handlersSince = (output: string, sinceWall: number): string[] =>
  [...output.matchAll(/vigia-request (\w+) ([\d.]+) ms at (\d+)/g)]
    .filter((m) => Number(m[3]) >= sinceWall)
    .map((m) => `${m[1]} ${m[2]}`)
