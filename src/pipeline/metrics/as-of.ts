/** Metrics are evaluated on whole seconds: T is rounded down, and windows are (T - W, T]. */
export function asOf(at: number): { tMs: number; sec: number } {
  const sec = Math.floor(at / 1000)
  return { tMs: sec * 1000, sec }
}
