// A usage sample covers the `duration_ms` before its time: (ts - duration, ts]. Its bytes are spread evenly
// over that interval, so a sample every 58 s reads as the steady rate it measured, not as one peak in the
// second of its ts. Parts are whole bytes: the bytes up to an instant x are floor(bytes * (x - start) /
// duration), so every bucket's part is an integer, the parts of a sample add up to its bytes exactly, and a
// minute's part is exactly the sum of its seconds' parts (docs/metrics.md, "Usage samples").

/** floor(a * b / d) for non-negative integers, exact beyond 2^53 where plain float arithmetic is not. */
function mulDivFloor(a: number, b: number, d: number): number {
  // a = q * d + r: a * b / d = q * b + r * b / d, and r * b < d * b stays small for any realistic duration.
  const q = Math.floor(a / d)
  const r = a - q * d
  const rb = r * b
  if (!Number.isSafeInteger(rb)) return q * b + Number((BigInt(r) * BigInt(b)) / BigInt(d))
  let f = Math.floor(rb / d)
  // A float quotient can round up to the next integer: step back to the exact floor.
  if (f * d > rb) f--
  else if ((f + 1) * d <= rb) f++
  return q * b + f
}

/** The bytes of a sample spread over (ts - duration, ts] that fall at or before `x`. */
export function bytesUpTo(x: number, ts: number, duration: number, bytes: number): number {
  if (x >= ts) return bytes
  const into = x - (ts - duration)
  if (into <= 0) return 0
  return mulDivFloor(bytes, into, duration)
}

/** The bucket of `size` ms holding ts: bucket b holds (b - 1) * size < ts <= b * size. */
const bucketOf = (ts: number, size: number) => Math.ceil(ts / size)

/**
 * Calls `visit(bucket, downPart, upPart)` for every bucket of `size` ms the sample covers, oldest first.
 * A sample without a duration (null or 0) is a point: all its bytes in the bucket of its ts.
 */
export function spreadSample(
  ts: number,
  duration: number | null,
  down: number,
  up: number,
  size: number,
  visit: (bucket: number, down: number, up: number) => void,
): void {
  const last = bucketOf(ts, size)
  if (!duration) {
    visit(last, down, up)
    return
  }
  let downBefore = 0
  let upBefore = 0
  for (let b = bucketOf(ts - duration + 1, size); b <= last; b++) {
    const end = Math.min(b * size, ts)
    const downTo = bytesUpTo(end, ts, duration, down)
    const upTo = bytesUpTo(end, ts, duration, up)
    visit(b, downTo - downBefore, upTo - upBefore)
    downBefore = downTo
    upBefore = upTo
  }
}
