// Strings kept once and named by a small number, for the gold stage's compact in-memory state (device
// states, client windows): a network has a few dozen servers and types, and a client's name recurs per device.

/** Strings numbered from 1 in their order of arrival; 0 stands for null. */
export class Interner {
  private readonly ids = new Map<string, number>()
  private readonly values: (string | null)[] = [null]

  id(value: string | null): number {
    if (value === null) return 0
    let id = this.ids.get(value)
    if (id === undefined) {
      id = this.values.length
      this.ids.set(value, id)
      this.values.push(value)
    }
    return id
  }

  /** The next id to be given: ids 1 to size - 1 are taken. */
  get size(): number {
    return this.values.length
  }

  value(id: number): string | null {
    return this.values[id]!
  }
}
