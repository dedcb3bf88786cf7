// Soak: `vigia serve` under sustained load with the UI open in Chromium. Reports the server's memory over
// time (flat or growing), the rate it really sustained, and how responsive the page stayed. Not a test:
// `npm run soak [-- --rate 50000 --minutes 5]`, figures written to docs/soak.md.
import { chromium } from '@playwright/test'
import { CHROMIUM_LAUNCH } from '../playwright.config'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ROOT_DIR } from './config'
import { startVigia } from './vigia-process'

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '50000' },
    minutes: { type: 'string', default: '5' },
    devices: { type: 'string', default: '20000' },
  },
})
const rate = Number(values.rate)
const minutes = Number(values.minutes)

/** A resident-memory field of /proc/<pid>/status, in MB. */
function statusMb(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024
}

const rssMb = (pid: number): number => statusMb(pid, 'VmRSS')

/** RSS in anonymous memory (heaps, buffers), file pages and shared memory: what a swing of RSS is made of. */
const rssParts = (pid: number): string =>
  ['RssAnon', 'RssFile', 'RssShmem'].map((f) => `${f} ${statusMb(pid, f).toFixed(0)}`).join(', ')

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-soak-'))
  const server = startVigia(
    ['--db', join(dir, 'vigia.db'), 'serve', '--port', '0', '--ingest-port', '0', '--demo', 'off'],
    // VIGIA_SOAK_NODE_OPTIONS: more of node's options for the server (e.g. --trace-gc, with VIGIA_SOAK_OUTPUT=1).
    process.env.VIGIA_SOAK_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [],
  )
  while (!/ingestion endpoint/.test(server.output())) await new Promise((r) => setTimeout(r, 100))
  const ui = /open (http:\/\/\S+)/.exec(server.output())![1]!
  const ingest = /ingestion endpoint (ws:\/\/\S+)/.exec(server.output())![1]!
  const browser = await chromium.launch(CHROMIUM_LAUNCH)
  const page = await browser.newPage()
  await page.goto(ui)

  const sim = startVigia([
    'simulate',
    '--url',
    ingest,
    '--rate',
    String(rate),
    '--duration',
    `${minutes * 60}s`,
    '--devices',
    values.devices!,
    '--batch',
    '500',
  ])
  const samples: { s: number; rssMb: number; uiMs: number }[] = []
  const started = Date.now()
  while (sim.child.exitCode === null) {
    await new Promise((r) => setTimeout(r, 5000))
    const t0 = Date.now()
    // A round trip through the page's event loop: how long a click would wait.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))))
    samples.push({
      s: Math.round((Date.now() - started) / 1000),
      rssMb: rssMb(server.child.pid!),
      uiMs: Date.now() - t0,
    })
    console.log(
      `${samples.at(-1)!.s} s: server RSS ${samples.at(-1)!.rssMb.toFixed(0)} MB (${rssParts(server.child.pid!)}), UI ${samples.at(-1)!.uiMs} ms`,
    )
  }
  const summary = /sent (\d+) events in (\d+) frames over ([\d.]+) s/.exec(sim.output())
  // VIGIA_SOAK_OUTPUT=1: what the server printed (its workers' restarts, errors), to read a figure by.
  if (process.env.VIGIA_SOAK_OUTPUT) console.error(server.output())
  await browser.close()
  server.child.kill('SIGTERM')
  await new Promise((r) => server.child.once('exit', r))
  rmSync(dir, { recursive: true, force: true })

  const sent = Number(summary?.[1] ?? 0)
  const seconds = Number(summary?.[3] ?? minutes * 60)
  const firstHalf = samples.slice(0, Math.ceil(samples.length / 2)).map((s) => s.rssMb)
  const secondHalf = samples.slice(Math.ceil(samples.length / 2)).map((s) => s.rssMb)
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
  const uiMs = samples.map((s) => s.uiMs).sort((a, b) => a - b)
  const lines = [
    '# Soak',
    '',
    `Run on ${new Date().toISOString()}: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}.`,
    `\`npm run soak -- --rate ${rate} --minutes ${minutes} --devices ${values.devices}\`: \`vigia serve\` with the overview open in Chromium, \`vigia simulate\` sending 500-event frames.`,
    '',
    '| what | figure |',
    '| --- | --- |',
    `| target rate | ${rate.toLocaleString('en')} events/s |`,
    `| sustained (sent and acknowledged / time) | ${Math.round(sent / seconds).toLocaleString('en')} events/s (${sent.toLocaleString('en')} events in ${seconds} s) |`,
    `| server RSS, first half → second half (mean) | ${avg(firstHalf).toFixed(0)} MB → ${avg(secondHalf).toFixed(0)} MB |`,
    `| server RSS, peak | ${Math.max(...samples.map((s) => s.rssMb)).toFixed(0)} MB |`,
    `| UI frame round trip, median / worst | ${uiMs[Math.floor(uiMs.length / 2)] ?? 0} ms / ${uiMs.at(-1) ?? 0} ms |`,
    '',
    'Samples (every 5 s):',
    '',
    '| s | server RSS MB | UI ms |',
    '| --- | --- | --- |',
    ...samples.map((s) => `| ${s.s} | ${s.rssMb.toFixed(0)} | ${s.uiMs} |`),
    '',
  ]
  writeFileSync(join(ROOT_DIR, 'docs', 'soak.md'), lines.join('\n'))
  console.log(lines.slice(0, 12).join('\n'))
}

await main()
