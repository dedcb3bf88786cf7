// The server's CPU while the Overview is open in Chromium and nothing comes in: the database holds the
// last minutes of a network's traffic (so the live chart range holds a full series over every server, and
// its newest event is older than the trend's minute back, as after traffic stopped), `vigia serve` runs
// on it, and the server process's CPU time (all its threads: main, engine, reader, checkpointer) and the
// bytes it sends the page are counted over idle seconds. A live page should cost what is new (one point
// per second), not the whole range again every second.
import { chromium } from '@playwright/test'
import { CHROMIUM_LAUNCH } from '../playwright.config'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Mode } from './config'
import { ceilingRow, fmt, type BenchResult } from './report'
import {
  callsText,
  connectedChartFilled,
  ensureBuilt,
  handlersSince,
  importTraffic,
  startVigia,
  until,
  watchCalls,
} from './vigia-process'

const CPU_BUDGET = 0.05
// Simulated traffic ending `quietS` before the clock: `rate` events per second of simulated time.
const FEED = {
  quick: { rate: 200, seconds: 300, devices: 20_000, quietS: 90, idleS: 10 },
  full: { rate: 1000, seconds: 600, devices: 100_000, quietS: 90, idleS: 30 },
}
const SERVERS = 24

/** CPU seconds a process or thread has used so far: utime + stime of its stat file (stat(5)). */
function statSeconds(path: string): number {
  const stat = readFileSync(path, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // Fields 14 and 15 of stat(5), counted from the state (field 3) here.
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** CPU seconds the process has used so far, all threads. */
const cpuSeconds = (pid: number): number => statSeconds(`/proc/${pid}/stat`)

/** CPU seconds each thread of the process has used so far, by thread id, with its name. */
function threadSeconds(pid: number): Map<string, { name: string; s: number }> {
  const threads = new Map<string, { name: string; s: number }>()
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const s = statSeconds(`/proc/${pid}/task/${tid}/stat`)
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim()
      threads.set(tid, { name, s })
    } catch {
      // The thread ended meanwhile.
    }
  }
  return threads
}

export async function idlePageBench(mode: Mode): Promise<BenchResult> {
  const feed = FEED[mode]
  ensureBuilt()
  const dir = mkdtempSync(join(tmpdir(), 'vigia-idle-'))
  const db = join(dir, 'vigia.db')
  importTraffic(dir, db, { ...feed, servers: SERVERS })
  // VIGIA_IDLE_PROFILE=dir: CPU profiles of the server's threads, to see what an idle page costs.
  const profile = process.env.VIGIA_IDLE_PROFILE
  const server = startVigia(
    ['--db', db, 'serve', '--port', '0', '--ingest-port', '0', '--demo', 'off'],
    // VIGIA_IDLE_NODE_OPTIONS: more of node's options for the server (e.g. --trace-gc, with VIGIA_IDLE_OUTPUT=1).
    [
      ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
      ...(process.env.VIGIA_IDLE_NODE_OPTIONS?.split(' ').filter(Boolean) ?? []),
    ],
    { VIGIA_REQUEST_TIMES: '1' },
  )
  const browser = await chromium.launch(CHROMIUM_LAUNCH)
  try {
    await until(() => /ingestion endpoint/.test(server.output()), 'vigia serve')
    const ui = /open (http:\/\/\S+)/.exec(server.output())![1]!
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    // The UI's API is a WebSocket: count what the server sends it.
    let counting = false
    let bytes = 0
    let messages = 0
    const asked = new Map<string, number>()
    page.on('websocket', (socket) => {
      socket.on('framesent', (frame) => {
        if (!counting || typeof frame.payload !== 'string') return
        const method =
          /"(?:method|channel|type)":"([^"]+)"/.exec(frame.payload)?.[1] ?? frame.payload.slice(0, 40)
        asked.set(method, (asked.get(method) ?? 0) + 1)
      })
      socket.on('framereceived', (frame) => {
        if (!counting) return
        messages++
        bytes += typeof frame.payload === 'string' ? Buffer.byteLength(frame.payload) : frame.payload.length
      })
    })
    // Where the opening's second goes: the page's own load, then each call it makes until the chart is filled.
    let opening = true
    const openingCalls = watchCalls(page, () => opening)
    // The page's long tasks (over 50 ms on its main thread) while it opens, and when the chart is filled, seen
    // in the page as the DOM changes: Playwright's waitFor polls every 500 ms after its first few tries.
    // tsx keeps function names with a helper (__name) the page does not have: the script's functions need it.
    await page.addInitScript('globalThis.__name = (f) => f')
    await page.addInitScript(() => {
      const w = window as unknown as { longTasks: [number, number][]; chartFilled: Promise<number> }
      w.longTasks = []
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longTasks.push([e.startTime, e.duration])
      }).observe({ type: 'longtask', buffered: true })
      w.chartFilled = new Promise((resolve) => {
        const filled = () =>
          document.querySelector('[data-panel="connected-devices"][data-at]:not([data-state="loading"])')
        const observer = new MutationObserver(() => {
          if (!filled()) return
          observer.disconnect()
          resolve(performance.now())
        })
        observer.observe(document, { subtree: true, childList: true, attributes: true })
      })
    })
    const opened = performance.now()
    const openedWall = Date.now()
    const logFrom = server.output().length
    await page.goto(ui)
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    await connectedChartFilled(page)

    // From the navigation's start in the page (its time origin) to the DOM change that filled the chart.
    const filledMs = await page.evaluate(
      () => (window as unknown as { chartFilled: Promise<number> }).chartFilled,
    )
    opening = false
    const load = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
      const script = performance.getEntriesByType('resource').find((r) => r.name.endsWith('.js')) as
        PerformanceResourceTiming | undefined
      return {
        response: nav.responseEnd,
        script: script?.responseEnd ?? 0,
        scriptKb: (script?.transferSize ?? 0) / 1024,
        domContentLoaded: nav.domContentLoadedEventEnd,
        longTasks: (window as unknown as { longTasks: [number, number][] }).longTasks,
      }
    })
    await sleep(500)
    const openingHandlers = handlersSince(server.output().slice(logFrom), openedWall)
    await sleep(2000)

    counting = true
    const pid = server.child.pid!
    const cpu0 = cpuSeconds(pid)
    const threads0 = threadSeconds(pid)
    const outputAt = server.output().length
    const t0 = performance.now()
    await sleep(feed.idleS * 1000)
    const cpu = cpuSeconds(pid) - cpu0
    if (process.env.VIGIA_IDLE_THREADS) {
      const threads = threadSeconds(pid)
      for (const [tid, { name, s }] of threads)
        if (s - (threads0.get(tid)?.s ?? 0) > 0.05)
          console.error(`thread ${tid} ${name}: ${(s - (threads0.get(tid)?.s ?? 0)).toFixed(2)} s`)
      // With VIGIA_REQUEST_TIMES=1 the workers log each request's time in its handler.
      const perMethod = new Map<string, { n: number; ms: number }>()
      for (const [, method, ms] of server
        .output()
        .slice(outputAt)
        .matchAll(/vigia-request (\S+) ([\d.]+) ms/g)) {
        const m = perMethod.get(method!) ?? { n: 0, ms: 0 }
        m.n++
        m.ms += Number(ms)
        perMethod.set(method!, m)
      }
      for (const [method, { n, ms }] of perMethod)
        console.error(`requests ${method}: ${n}, ${ms.toFixed(0)} ms in their handlers`)
    }
    const seconds = (performance.now() - t0) / 1000
    counting = false
    if (process.env.VIGIA_IDLE_ASKED) console.error(JSON.stringify([...asked]))
    if (process.env.VIGIA_IDLE_OUTPUT) console.error(server.output().slice(outputAt))
    const share = cpu / seconds
    const series = await page.evaluate(() => document.querySelectorAll('canvas').length)
    return {
      rows: [
        ceilingRow(
          'Overview opened: until the connected-devices chart is filled',
          filledMs,
          1000,
          fmt.ms,
          `the same database and page, from the navigation's start to the DOM change that ends the chart's progress (about 30 past times asked), seen in the page`,
        ),
        {
          ...ceilingRow(
            'server CPU with the Overview open and nothing coming in',
            share * 100,
            CPU_BUDGET * 100,
            (p) => `${p.toFixed(1)} % of a core`,
            `vigia serve on a database of ${fmt.int(feed.rate * feed.seconds)} events over ${feed.seconds} s of traffic (${fmt.int(feed.devices)} devices, ${SERVERS} servers) ending ${feed.quietS} s before the clock, nothing coming in; the Overview (live, 15 minutes) open in Chromium at 1440x900 with ${series} charts; CPU time of the server process (every thread) over ${seconds.toFixed(0)} idle s: ${cpu.toFixed(2)} s; the server sent the page ${fmt.mb(bytes / seconds)}/s in ${(messages / seconds).toFixed(1)} messages/s`,
          ),
        },
      ],
      details: [
        `Overview opened, in ms from the navigation: the page's HTML ${load.response.toFixed(0)}, its script (${load.scriptKb.toFixed(0)} KB) ${load.script.toFixed(0)}, DOMContentLoaded ${load.domContentLoaded.toFixed(0)}; the page's calls (sent..answered, from the bench's call to navigate) ${callsText(openingCalls.values(), opened)}; chart filled ${filledMs.toFixed(0)}; the page's long tasks (start+duration, from its navigation) ${load.longTasks.map(([t, d]) => `${t.toFixed(0)}+${d.toFixed(0)}`).join(', ')}`,
        `Overview opened: the workers' handlers, in the order run: ${openingHandlers.join(', ')}`,
      ],
      peakRss: 0,
      engine: false,
    }
  } finally {
    await browser.close()
    server.child.kill('SIGTERM')
    await new Promise((resolve) => server.child.once('exit', resolve))
    rmSync(dir, { recursive: true, force: true })
  }
}
