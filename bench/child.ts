// The child process of one benchmark: runs it and sends its result to the parent (bench/fork.ts).
import { clientTableBench } from './client-table'
import { prepareDatasets } from './datasets'
import type { BenchRequest } from './fork'
import { idlePageBench } from './idle-page'
import { importBench } from './import'
import { latencyBench } from './latency'
import { overviewBench } from './overview'
import { pipelineBench } from './pipeline'
import { rangeChangeBench } from './range-change'
import { grownPipelineBench } from './pipeline-grown'
import type { BenchResult } from './report'
import { wsBench } from './ws'
import type { Mode } from './config'

const BENCHES: Record<string, (mode: Mode) => Promise<BenchResult>> = {
  prepare: prepareDatasets,
  pipeline: pipelineBench,
  'pipeline-grown': grownPipelineBench,
  'ws-batch': (mode) => wsBench(mode, 'batch'),
  'ws-single': (mode) => wsBench(mode, 'single'),
  latency: latencyBench,
  'import-ndjson': (mode) => importBench(mode, 'ndjson'),
  'import-csv': (mode) => importBench(mode, 'csv'),
  overview: overviewBench,
  'client-table': clientTableBench,
  'idle-page': idlePageBench,
  'range-change': rangeChangeBench,
}

const request = JSON.parse(process.argv[2] ?? '{}') as BenchRequest
const bench = BENCHES[request.name]
if (bench) {
  bench(request.mode)
    .then((result) => process.send!(result, () => process.exit(0)))
    .catch((error: Error) => process.send!({ error: error.stack ?? error.message }, () => process.exit(1)))
}
