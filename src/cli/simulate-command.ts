// `vigia simulate`: realistic traffic, either streamed live to a running Vigia or written as a dataset.
import { InvalidArgumentError, Option, type Command } from 'commander'
import { DateTime } from 'luxon'
import { statSync } from 'node:fs'
import {
  DEFAULT_START,
  runLive,
  writeDataset,
  type LiveRunSummary,
  type SenderStats,
} from '../pipeline/simulator'
import { formatBytes } from '../shared/units'

export interface SimulateOptions {
  url: string
  servers: number
  devices: number
  rate: number
  duration: number
  badShare: number
  seed: number
  token?: string
  batch: number
  seedFormat?: boolean
  toFile?: string
  events?: number
  start: number
  timeZone?: string
}

/** Where progress and summaries go; tests pass their own. */
export interface SimulateIo {
  stderr: { write(text: string): unknown }
}

export function registerSimulate(program: Command, io: SimulateIo = { stderr: process.stderr }): Command {
  return program
    .command('simulate')
    .description(
      'generate realistic access-network traffic: stream it live to Vigia, or write a dataset with --to-file',
    )
    .option('--url <url>', 'ingest endpoint of a running Vigia', 'ws://127.0.0.1:7420/ingest')
    .option('--servers <n>', 'access servers', positiveInteger, 12)
    .option('--devices <n>', 'customer devices (1 to 4 per client)', positiveInteger, 20_000)
    .option('--rate <n>', 'events per second (live: real time; file: simulated time)', positiveNumber, 2_000)
    .addOption(
      new Option('--duration <time>', 'how long to run, e.g. 90s, 5m, 1h')
        .argParser(parseDuration)
        .default(60_000, '60s'),
    )
    .option('--bad-share <share>', 'share of deliberately bad records, 0 to 1', parseShare, 0.01)
    .option('--seed <n>', 'seed of the pseudo-random generator: same seed, same traffic', parseSeed, 1)
    .option('--token <token>', 'bearer token, needed when Vigia listens beyond loopback')
    .option('--batch <n>', 'events per WebSocket frame', positiveInteger, 100)
    .option('--seed-format', "replay the seed project's batches (40/80/70/60 Portuguese records every 10 s)")
    .option('--to-file <path>', 'write NDJSON to this file instead (gzipped when it ends in .gz)')
    .option('--events <n>', 'records to write with --to-file (default: rate x duration)', nonNegativeInteger)
    .addOption(
      new Option(
        '--start <time>',
        'simulated time of the first record in a file: ISO-8601, epoch ms or "now"',
      )
        .argParser(parseStart)
        .default(DEFAULT_START, new Date(DEFAULT_START).toISOString()),
    )
    .option(
      '--time-zone <zone>',
      'IANA zone of the seed format Hora_Conexao (default: this machine)',
      parseZone,
    )
    .action(async (options: SimulateOptions) => {
      const abort = new AbortController()
      const stop = () => abort.abort()
      process.once('SIGINT', stop)
      try {
        if (options.toFile) await toFile(options, options.toFile, abort.signal, io)
        else await live(options, abort.signal, io)
      } finally {
        process.off('SIGINT', stop)
      }
    })
}

async function toFile(
  options: SimulateOptions,
  path: string,
  signal: AbortSignal,
  io: SimulateIo,
): Promise<void> {
  const events = options.events ?? Math.round((options.rate * options.duration) / 1000)
  const started = performance.now()
  let lastReport = 0
  const summary = await writeDataset({
    path,
    events,
    seedFormat: options.seedFormat,
    timeZone: options.timeZone,
    simulation: simulationOptions(options),
    signal,
    onProgress: (written) => {
      const now = performance.now()
      if (now - lastReport < 250 && written < events) return
      lastReport = now
      const percent = events === 0 ? 100 : Math.floor((written / events) * 100)
      io.stderr.write(`\r${path}: ${percent} % (${written} of ${events} records)   `)
    },
  })
  const seconds = (performance.now() - started) / 1000
  if (summary.reportIntervalMs !== null) io.stderr.write(`\n${formatInterval(summary.reportIntervalMs)}`)
  const span =
    summary.firstTs === null || summary.lastTs === null
      ? ''
      : `, simulated ${new Date(summary.firstTs).toISOString()} to ${new Date(summary.lastTs).toISOString()}`
  io.stderr.write(
    `\nwrote ${summary.records} records (${summary.bad} bad) to ${summary.path} (${formatBytes(statSync(path).size)}${summary.gzip ? ', gzip' : ''}) in ${seconds.toFixed(1)} s, ${Math.round(summary.records / Math.max(seconds, 1e-3))} records/s${span}\n`,
  )
}

async function live(options: SimulateOptions, signal: AbortSignal, io: SimulateIo): Promise<void> {
  io.stderr.write(
    options.seedFormat
      ? `simulate: seed-format batches every 10 s to ${options.url} for ${options.duration / 1000} s\n`
      : `simulate: ${options.devices} devices on ${options.servers} servers, ${options.rate} events/s to ${options.url} for ${options.duration / 1000} s\n`,
  )
  const summary = await runLive({
    url: options.url,
    token: options.token,
    durationMs: options.duration,
    batch: options.batch,
    seedFormat: options.seedFormat,
    timeZone: options.timeZone,
    simulation: simulationOptions(options),
    signal,
    onNotice: (notice) => io.stderr.write(`\n${notice}\n`),
    onProgress: (stats, elapsedMs) => io.stderr.write(`\r${formatLive(stats, elapsedMs)}   `),
  })
  io.stderr.write(`\r${formatLive(summary, summary.elapsedMs)}\n${formatSummary(summary)}\n`)
  if (summary.inFlight > 0) process.exitCode = 1
}

const simulationOptions = (o: SimulateOptions) => ({
  seed: o.seed,
  servers: o.servers,
  devices: o.devices,
  rate: o.rate,
  badShare: o.badShare,
  start: o.start,
})

function formatLive(s: SenderStats, elapsedMs: number): string {
  const seconds = elapsedMs / 1000
  return `${seconds.toFixed(0)} s: ${s.sent} sent, ${s.acked} acked (${s.accepted} accepted, ${s.duplicates} duplicates, ${s.rejected} rejected), ${s.resent} resent, ${Math.round(s.sent / Math.max(seconds, 1e-3))} events/s`
}

/** Vigia's shortest bandwidth window is 10 s: slower reports leave devices out of some windows. */
function formatInterval(ms: number): string {
  const line = `devices report usage every ${(ms / 1000).toFixed(1)} s`
  return ms > 8_000 ? `${line}: raise --rate or lower --devices to see every device in 10 s windows` : line
}

function formatSummary(s: LiveRunSummary): string {
  const lines = [`sent ${s.sent} events in ${s.frames} frames over ${(s.elapsedMs / 1000).toFixed(1)} s`]
  if (s.reportIntervalMs !== null) lines.push(formatInterval(s.reportIntervalMs))
  if (s.reconnects > 0) lines.push(`reconnected ${s.reconnects} times, resent ${s.resent} events`)
  if (s.errors > 0) lines.push(`${s.errors} frames could not be read by the server`)
  if (s.inFlight > 0) lines.push(`${s.inFlight} events got no reply: they may or may not have been stored`)
  return lines.join('\n')
}

export function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim())
  if (!match) throw new InvalidArgumentError('expected a duration such as 90s, 5m or 1h')
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h']
  const ms = Math.round(Number(match[1]) * unit)
  if (ms <= 0) throw new InvalidArgumentError('expected a duration above zero')
  return ms
}

export function parseStart(value: string): number {
  if (value === 'now') return Date.now()
  if (/^\d+$/.test(value)) return Number(value)
  const parsed = DateTime.fromISO(value.trim(), { setZone: true })
  if (!parsed.isValid || !/(z|[+-]\d{2}:?\d{2})$/i.test(value.trim())) {
    throw new InvalidArgumentError('expected ISO-8601 with a zone, epoch milliseconds or "now"')
  }
  return parsed.toMillis()
}

function parseZone(value: string): string {
  if (!DateTime.now().setZone(value).isValid) throw new InvalidArgumentError(`unknown time zone ${value}`)
  return value
}

function positiveInteger(value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer')
  return n
}

function nonNegativeInteger(value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected an integer, 0 or more')
  return n
}

function positiveNumber(value: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number')
  return n
}

function parseShare(value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !(n >= 0 && n <= 1))
    throw new InvalidArgumentError('expected a share from 0 to 1')
  return n
}

function parseSeed(value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffff_ffff) {
    throw new InvalidArgumentError('expected an integer from 0 to 4294967295')
  }
  return n
}
