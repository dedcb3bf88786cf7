// Bucket b holds the events with (b - 1) * size < ts <= b * size, so the half-open window (T - W, T]
// with T and W whole multiples of the size is exactly the buckets T/size - W/size + 1 .. T/size.

export const secondOf = (ts: number): number => Math.ceil(ts / 1000)
export const minuteOf = (ts: number): number => Math.ceil(ts / 60_000)
