// How long accepted events wait for gold when the engine is busy. Much of a fold's cost is fixed: its commit
// rewrites every page of the state tables its events touched, and with 255,000 devices and 100,000 clients
// a fold of a few thousand events already touches most of them. In one-event WebSocket frames, folds a
// second apart cost 32-38 µs of gold per event against 40-47 for folds 200 ms apart; with this pacing the
// benchmark acknowledged 26-27 % of the bare `ws` limit against 20 % (docs/benchmarks.md). Half a second at
// most keeps the overview within a second of the feed. When the feed is light a fold takes a few ms and
// the configured lag holds.

/** A fold waits at least this many times as long as the last one took (below the cap, folds take a fifth of the time at most). */
export const FOLD_SPACING = 4

/** The most that spacing may stretch the lag to, unless the configured lag is longer. */
export const LOADED_LAG_MS = 500

/** The wait, from the oldest pending event's acceptance, before gold folds: `lagMs` when folds are quick. */
export function foldLagMs(lagMs: number, lastFoldMs: number): number {
  return Math.max(lagMs, Math.min(FOLD_SPACING * lastFoldMs, LOADED_LAG_MS))
}
