// The Overview after a change of range, while events come in (issue #18: <= 1 s for every panel): the database
// holds minutes of a network's traffic, `vigia serve` runs on it, the simulator streams live events to its
// ingestion endpoint, and the Overview, open live in Chromium, is switched to a custom hour that ends with the
// imported traffic. Timed from the range's Apply until each panel shows the answer at the range's end (its
// data-at and data-state); the API calls the page makes meanwhile are listed with their round trip and, from
// the reader's VIGIA_REQUEST_TIMES log, the time their handler took.
import { chromium, type Page } from '@playwright/test'
import { CHROMIUM_LAUNCH } from '../playwright.config'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Mode } from './config'
import { ceilingRow, fmt, median, type BenchResult } from './report'
import {
  callsText,
  connectedChartFilled,
  ensureBuilt,
  handlersSince,
  importTraffic,
  startVigia,
  until,
  watchCalls,
  type Call,
} from './vigia-process'

const TARGET_MS = 1000
const HISTORY = {
  quick: { rate: 200, seconds: 300, devices: 20_000, servers: 24, quietS: 90 },
  full: { rate: 1000, seconds: 600, devices: 100_000, servers: 24, quietS: 90 },
}
const LIVE = { quick: { rate: 1000 }, full: { rate: 3000 } }
/**
 * Waits, in ms: for the live feed to reach the page before the first change, for the page to settle back to
 * live between changes, and for the server's log lines of a change's last calls. The quick mode's are
 * shorter, to keep it near a minute; the page is already filled when they begin.
 */
const WAITS = {
  quick: { feedIn: 2000, settle: 1000, log: 500 },
  full: { feedIn: 5000, settle: 2000, log: 1000 },
}
const RANGE_MS = 3_600_000
/**
 * Range changes timed, each from live to the custom hour and back to live in between. The quick mode checks a
 * change in one (each more costs about 5 s: the live chart refilled, the page left to settle, the change).
 */
const RUNS = { quick: 1, full: 5 }

/** Times (ms after Apply) at which each panel first showed the answer at `at`, once all have. */
function watchPanels(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { rangeChange?: Promise<Record<string, number>>; appliedAt?: number }
    document.addEventListener('submit', () => (w.appliedAt = performance.now()), {
      capture: true,
      once: true,
    })
    w.rangeChange = new Promise((resolve) => {
      const filled: Record<string, number> = {}
      const look = () => {
        const applied = w.appliedAt
        const end = document.querySelectorAll<HTMLInputElement>(
          '.custom-range input[type="datetime-local"]',
        )[1]
        if (applied !== undefined && end) {
          const at = String(new Date(end.value).getTime())
          const panels = Array.from(
            document.querySelectorAll<HTMLElement>(
              '[data-testid="overview-page"] [data-panel], [data-testid="overview-figures"]',
            ),
          )
          for (const p of panels) {
            const name = p.dataset.panel ?? 'figures'
            const done =
              p.dataset.at === at && (p.dataset.state === undefined || /ready|empty/.test(p.dataset.state))
            if (done && filled[name] === undefined) filled[name] = performance.now() - applied
          }
          if (panels.length > 1 && panels.every((p) => filled[p.dataset.panel ?? 'figures'] !== undefined)) {
            resolve(filled)
            return
          }
        }
        requestAnimationFrame(look)
      }
      look()
    })
  })
}

/** `ms` as the browser's datetime-local input wants it, in the browser's zone. */
const localInput = (page: Page, ms: number): Promise<string> =>
  page.evaluate((t) => new Date(t - new Date(t).getTimezoneOffset() * 60_000).toISOString().slice(0, 16), ms)

export async function rangeChangeBench(mode: Mode): Promise<BenchResult> {
  const history = HISTORY[mode]
  const live = LIVE[mode]
  ensureBuilt()
  const dir = mkdtempSync(join(tmpdir(), 'vigia-range-'))
  const db = join(dir, 'vigia.db')
  const first = importTraffic(dir, db, history)
  // The hour ends at the whole minute after the imported traffic (still before the clock).
  const to = Math.ceil((first + history.seconds * 1000) / 60_000) * 60_000
  const server = startVigia(['--db', db, 'serve', '--port', '0', '--ingest-port', '0', '--demo', 'off'], [], {
    VIGIA_REQUEST_TIMES: '1',
  })
  const browser = await chromium.launch(CHROMIUM_LAUNCH)
  let feed: ReturnType<typeof startVigia> | undefined
  try {
    await until(() => /ingestion endpoint/.test(server.output()), 'vigia serve')
    const ui = /open (http:\/\/\S+)/.exec(server.output())![1]!
    const ingest = /ingestion endpoint (ws:\/\/\S+)/.exec(server.output())![1]!
    feed = startVigia(
      ['simulate', '--url', ingest, '--rate', String(live.rate), '--duration', '600s']
        .concat(['--devices', String(history.devices), '--servers', String(history.servers)])
        .concat(['--bad-share', '0']),
    )
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    let counting = false
    const calls = watchCalls(page, () => counting)
    // tsx keeps function names with a helper (__name) the page does not have: the watcher's functions need it.
    await page.addInitScript('globalThis.__name = (f) => f')
    await page.goto(ui)
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    await connectedChartFilled(page)
    // The live feed is in: the page refreshes with it before the range changes.
    await sleep(WAITS[mode].feedIn)

    await page.getByRole('button', { name: 'Custom…' }).click()
    const inputs = page.locator('.custom-range input[type="datetime-local"]')
    const runs: {
      totalMs: number
      panels: Record<string, number>
      calls: Call[]
      handlers: string[]
      clickedMs: number
    }[] = []
    for (let run = 0; run < RUNS[mode]; run++) {
      await page.getByRole('button', { name: '● Live' }).click()
      // Back to live asks the chart's times again: the range changes once all are in.
      await connectedChartFilled(page)
      await sleep(WAITS[mode].settle)
      // Each run another hour (a minute apart), so no answer of a run before is reused.
      const end = to - run * 60_000
      await inputs.nth(0).fill(await localInput(page, end - RANGE_MS))
      await inputs.nth(1).fill(await localInput(page, end))
      await watchPanels(page)
      const logFrom = server.output().length
      calls.clear()
      counting = true
      const clicked = performance.now()
      const clickedWall = Date.now()
      await page.getByRole('button', { name: 'Apply' }).click()
      const panels = await page.evaluate(
        () => (window as unknown as { rangeChange: Promise<Record<string, number>> }).rangeChange,
      )
      const totalMs = Math.max(...Object.values(panels))
      counting = false
      const asked = [...calls.values()].filter((c) => c.sentMs >= clicked)
      // Handlers that ended after the click (their lines may come late: wait for those of the last calls).
      await sleep(WAITS[mode].log)
      const handlers = handlersSince(server.output().slice(logFrom), clickedWall)
      runs.push({ totalMs, panels, calls: asked, handlers, clickedMs: clicked })
    }

    const totals = runs.map((r) => r.totalMs)
    const mid = runs[totals.indexOf(median(totals))] ?? runs[0]!
    const panelText = Object.entries(mid.panels)
      .sort(([, a], [, b]) => a - b)
      .map(([name, ms]) => `${name} ${fmt.ms(ms)}`)
      .join(', ')
    // Each call as sent..answered, ms after the bench sent the click, in the order sent.
    const callText = callsText(mid.calls, mid.clickedMs)
    const handlerMs = new Map<string, number[]>()
    for (const h of mid.handlers) {
      const [method, ms] = h.split(' ')
      handlerMs.set(method!, [...(handlerMs.get(method!) ?? []), Number(ms)])
    }
    const handlerText = [...handlerMs]
      .map(([method, ms]) => `${method} ${ms.length}x, ${ms.reduce((a, b) => a + b, 0).toFixed(0)} ms in all`)
      .join('; ')
    return {
      rows: [
        ceilingRow(
          'Overview: after a range change, until every panel is filled',
          median(totals),
          TARGET_MS,
          fmt.ms,
          `${runs.length === 1 ? 'one change' : `median of ${runs.length} changes`} from live to a custom hour ending with ${fmt.int(history.rate * history.seconds)} imported events of ${fmt.int(history.devices)} devices on ${history.servers} servers, while ${fmt.int(live.rate)} events/s come in live (${totals.map((t) => fmt.ms(t)).join(', ')}); from Apply until each panel's data-at is the range's end: ${panelText}`,
        ),
      ],
      details: [
        `range change, median run: page calls (sent..answered, ms after the click left the bench; panel times count from the submit in the page) ${callText}`,
        `range change, median run: reader handlers, in the order run: ${mid.handlers.join(', ')}`,
        `range change, median run: reader handlers in all: ${handlerText}`,
      ],
      peakRss: 0,
      engine: false,
    }
  } finally {
    await browser.close()
    if (feed) feed.child.kill('SIGTERM')
    server.child.kill('SIGTERM')
    await new Promise((resolve) => server.child.once('exit', resolve))
    rmSync(dir, { recursive: true, force: true })
  }
}
