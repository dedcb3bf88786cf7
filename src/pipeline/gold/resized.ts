// The typed arrays of gold's in-memory states grow by copying into a larger array (resident-states.ts,
// client-states.ts).

type Typed = Float64Array | Int32Array | Uint8Array

/** A new array of `length` elements of the same type, starting with `array`'s (the rest zero). */
export function resized<T extends Typed>(array: T, length: number): T {
  const next = new (array.constructor as new (length: number) => T)(length)
  next.set(array)
  return next
}
