// Messages between the engine's thread and gold's (gold-thread.ts, gold-worker.ts).
import type { GoldInput } from '../pipeline/gold/gold-stage'
import type { EventSpan } from '../shared/api'

export type EngineToGold =
  | { kind: 'rows'; rows: readonly GoldInput[] }
  | { kind: 'settle'; upTo: number }
  | { kind: 'pause' }
  | { kind: 'resume' }

/** `folded`: a fold committed, the event time of its events (null for none). */
export type GoldToEngine =
  { kind: 'ready' } | { kind: 'fatal'; message: string } | { kind: 'folded'; span: EventSpan | null }
