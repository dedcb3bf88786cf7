// Benchmarks run in child processes: each engine gets a process of its own, so its peak memory is its own
// and a CPU profile covers one benchmark.
import { fork, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { ENGINE_HEAP_MB } from '../src/main/worker-client'
import { APP_ENV, APP_NODE_OPTIONS, BENCH_DIR, ROOT_DIR, type Mode } from './config'
import type { BenchResult } from './report'

// Benchmarks that run the engine on their main thread: their heap gets the limit the app's engine worker
// has, so their peak memory is the app's and not what V8 lets grow on a machine with RAM to spare.
const IN_PROCESS_ENGINE = new Set(['pipeline', 'pipeline-grown', 'import-ndjson', 'import-csv'])

/** Starts a TypeScript module of bench/ in a new Node process, with an IPC channel. */
export function forkTs(
  file: string,
  args: string[],
  profileDir?: string,
  nodeOptions: string[] = [],
): ChildProcess {
  if (profileDir) mkdirSync(profileDir, { recursive: true })
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []
  return fork(join(BENCH_DIR, file), args, {
    cwd: ROOT_DIR,
    execArgv: ['--import', 'tsx', ...APP_NODE_OPTIONS, ...nodeOptions, ...profile],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...APP_ENV, ...process.env },
  })
}

/** The first message of a child, or the reason it ended without one. */
export function firstMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as T))
    child.once('exit', (code, signal) =>
      reject(new Error(`child ${child.pid} exited (${signal ?? code}) before it answered`)),
    )
  })
}

export interface BenchRequest {
  name: string
  mode: Mode
}

/** Runs one benchmark of bench/child.ts in its own process. */
export async function runBench(request: BenchRequest, profileDir?: string): Promise<BenchResult> {
  const child = forkTs(
    'child.ts',
    [JSON.stringify(request)],
    profileDir ? join(profileDir, request.name) : undefined,
    IN_PROCESS_ENGINE.has(request.name) ? [`--max-old-space-size=${ENGINE_HEAP_MB}`] : [],
  )
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const result = await firstMessage<BenchResult | { error: string }>(child)
  await exited
  if ('error' in result) throw new Error(`${request.name}: ${result.error}`)
  return result
}
