// Sums per composite key, kept in memory while a batch is folded and written back as one upsert per key.

type KeyPart = string | number

export interface SumEntry {
  key: KeyPart[]
  values: number[]
}

/**
 * Sums of values per composite key, with the key parts kept to write them back, in the order each key first
 * came. The parts index nested maps, the first (a second or a minute) outermost: no key string is built per
 * event, as joining the parts was (about 2 µs per event more, docs/benchmarks.md, change 24).
 */
export abstract class Sums {
  readonly entries: SumEntry[] = []

  protected added(key: KeyPart[], values: number[]): SumEntry {
    const entry = { key, values }
    this.entries.push(entry)
    return entry
  }
}

/** Two key parts, one or two values. */
export class Sums2 extends Sums {
  private readonly index = new Map<KeyPart, Map<KeyPart, SumEntry>>()

  add(a: KeyPart, b: KeyPart, v0: number, v1?: number): void {
    let byB = this.index.get(a)
    if (!byB) this.index.set(a, (byB = new Map()))
    const entry = byB.get(b)
    if (!entry) byB.set(b, this.added([a, b], v1 === undefined ? [v0] : [v0, v1]))
    else {
      entry.values[0]! += v0
      if (v1 !== undefined) entry.values[1]! += v1
    }
  }
}

/** Three key parts, one value. */
export class Sums3 extends Sums {
  private readonly index = new Map<KeyPart, Map<KeyPart, Map<KeyPart, SumEntry>>>()

  add(a: KeyPart, b: KeyPart, c: KeyPart, v: number): void {
    let byB = this.index.get(a)
    if (!byB) this.index.set(a, (byB = new Map()))
    let byC = byB.get(b)
    if (!byC) byB.set(b, (byC = new Map()))
    const entry = byC.get(c)
    if (!entry) byC.set(c, this.added([a, b, c], [v]))
    else entry.values[0]! += v
  }
}
