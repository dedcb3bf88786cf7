// Where the engine's time goes: wraps the stage methods (by prototype, without touching src/) and adds up
// the time spent in each, so a report can say which stage a missed target is lost in.
import { AlertEvaluator } from '../src/pipeline/alerts/evaluator'
import { Engine } from '../src/pipeline/engine'
import { ClientMinutes } from '../src/pipeline/gold/client-minutes'
import { ConnectedSeriesFold } from '../src/pipeline/gold/connected-series'
import { DeviceStates } from '../src/pipeline/gold/device-states'
import { GoldStage } from '../src/pipeline/gold/gold-stage'
import { LiveState } from '../src/pipeline/gold/live-state'
import { SilverStage } from '../src/pipeline/silver/silver-stage'

type Method = (...args: unknown[]) => unknown

const STAGES: [label: string, proto: object, method: string][] = [
  ['Engine.ingestFrames (one transaction: landing -> gold, then alerts)', Engine.prototype, 'ingestFrames'],
  ['Engine.landFileBatch (one transaction: landing -> gold, then alerts)', Engine.prototype, 'landFileBatch'],
  ['  Engine.advance (catch-up from watermarks)', Engine.prototype, 'advance'],
  ['  silver: validate, insert silver', SilverStage.prototype, 'process'],
  ['  gold: sum, upsert gold', GoldStage.prototype, 'fold'],
  ['    gold_devices: read states', DeviceStates.prototype, 'load'],
  ['    gold_devices: write states', DeviceStates.prototype, 'flush'],
  [
    "    live state: move the windows (the seconds leaving them read, the batch's added)",
    LiveState.prototype,
    'begin',
  ],
  ['    live state: move device counts', LiveState.prototype, 'moveDevices'],
  ["    live state: write the clients' pairs and main servers", LiveState.prototype, 'moveClientWindows'],
  ['    live state: write the rest', LiveState.prototype, 'finish'],
  ['    gold_client_minutes: keep the minutes the newest second left', ClientMinutes.prototype, 'write'],
  [
    '    connected devices per second: devices in order, and late ones before',
    ConnectedSeriesFold.prototype,
    'begin',
  ],
  [
    '    connected devices per second: late devices after, and the writes',
    ConnectedSeriesFold.prototype,
    'finish',
  ],
  ['  alerts: judge new minutes', AlertEvaluator.prototype, 'run'],
]

const spent = new Map<string, number>()
let installed = false

/**
 * Wraps `object[name]` (a prototype's method, or an object's own function) so that each call adds its time to
 * `into` under `label`.
 */
export function timeCalls(object: object, name: string, label: string, into: Map<string, number>): void {
  const target = object as Record<string, Method>
  const original = target[name]!
  target[name] = function (this: unknown, ...args: unknown[]) {
    const started = performance.now()
    try {
      return original.apply(this, args)
    } finally {
      into.set(label, (into.get(label) ?? 0) + performance.now() - started)
    }
  }
}

/** Starts timing the stages in this process. */
export function timeStages(): void {
  if (installed) return
  installed = true
  for (const [label, proto, name] of STAGES) timeCalls(proto, name, label, spent)
}

/** The time of each stage, and its share of `totalMs`. */
export function stageReport(totalMs: number): string[] {
  const line = (label: string, ms: number) =>
    `${label}: ${Math.round(ms).toLocaleString('en-US')} ms (${((ms / totalMs) * 100).toFixed(1)} %)`
  const lines = STAGES.filter(([label]) => spent.has(label)).map(([label]) => line(label, spent.get(label)!))
  const call = spent.get(STAGES[0]![0]) ?? spent.get(STAGES[1]![0])
  if (call !== undefined) {
    // The stages the call runs one after another (the others run inside them): silver, gold, the alerts.
    const staged = STAGES.filter(([label]) => /^ {2}(silver|gold|alerts):/.test(label)).reduce(
      (sum, [label]) => sum + (spent.get(label) ?? 0),
      0,
    )
    lines.splice(1, 0, line('  landing + bronze, and the commit (the rest)', call - staged))
  }
  return lines
}

export function resetStages(): void {
  spent.clear()
}
