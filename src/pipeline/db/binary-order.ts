// SQLite's BINARY collation, the default of every text column here, orders text by its UTF-8 bytes, which is
// the order of code points. JavaScript's < orders by UTF-16 units: the two differ where a character beyond
// the Basic Multilingual Plane (two surrogate units, 0xD800-0xDFFF) meets one at U+E000-U+FFFF. Whatever is
// sorted both in SQL and in JavaScript and must come out the same (a page of the heavy-user table, say)
// compares with this in JavaScript.

const isSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdfff

/** Negative, zero or positive as `a` sorts before, with or after `b` in SQLite's BINARY order. */
export function compareBinary(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    // A surrogate starts a code point above U+FFFF, after every unit of the Basic Multilingual Plane.
    if (isSurrogate(x) !== isSurrogate(y)) return isSurrogate(x) ? 1 : -1
    return x - y
  }
  return a.length - b.length
}
