// The child process of one benchmark: runs it and sends its result to the parent (bench/fork.ts). Only the
// module of the benchmark asked is loaded: all of them (Playwright among them) took 650 ms and about 70 MB
// more, which the engine benchmarks' peak memory counted as the engine's.
import type { BenchRequest } from './fork'
import type { BenchResult } from './report'
import type { Mode } from './config'

type Bench = (mode: Mode) => Promise<BenchResult>

/** A benchmark of a module that runs several, `kind` naming which. */
const kindOf =
  <K>(load: () => Promise<(mode: Mode, kind: K) => Promise<BenchResult>>, kind: K) =>
  async (): Promise<Bench> => {
    const run = await load()
    return (mode) => run(mode, kind)
  }

const ws = async () => (await import('./ws')).wsBench
const fileImport = async () => (await import('./import')).importBench

const BENCHES: Record<string, () => Promise<Bench>> = {
  prepare: async () => (await import('./datasets')).prepareDatasets,
  pipeline: async () => (await import('./pipeline')).pipelineBench,
  'pipeline-threads': async () => (await import('./pipeline-threads')).pipelineThreadsBench,
  'pipeline-grown': async () => (await import('./pipeline-grown')).grownPipelineBench,
  'ws-batch': kindOf(ws, 'batch'),
  'ws-single': kindOf(ws, 'single'),
  latency: async () => (await import('./latency')).latencyBench,
  'import-ndjson': kindOf(fileImport, 'ndjson'),
  'import-csv': kindOf(fileImport, 'csv'),
  overview: async () => (await import('./overview')).overviewBench,
  'client-table': async () => (await import('./client-table')).clientTableBench,
  'idle-page': async () => (await import('./idle-page')).idlePageBench,
  'range-change': async () => (await import('./range-change')).rangeChangeBench,
}

const request = JSON.parse(process.argv[2] ?? '{}') as BenchRequest
const load = BENCHES[request.name]
if (load) {
  load()
    .then((bench) => bench(request.mode))
    .then((result) => process.send!(result, () => process.exit(0)))
    .catch((error: Error) => process.send!({ error: error.stack ?? error.message }, () => process.exit(1)))
}
