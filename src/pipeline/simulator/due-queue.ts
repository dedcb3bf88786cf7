// Which device acts next: a binary min-heap of device indices ordered by due time. Each device has at most
// one pending action, so the heap holds indices in typed arrays and allocates nothing per event.

export class DueQueue {
  private readonly heap: Int32Array
  private readonly due: Float64Array
  private size = 0

  constructor(capacity: number) {
    this.heap = new Int32Array(capacity)
    this.due = new Float64Array(capacity)
  }

  get length(): number {
    return this.size
  }

  /** Due time of the earliest device; Infinity when empty. */
  peekDue(): number {
    return this.size === 0 ? Infinity : (this.due[this.heap[0] as number] as number)
  }

  push(device: number, due: number): void {
    this.due[device] = due
    let i = this.size++
    this.heap[i] = device
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.before(device, this.heap[parent] as number)) break
      this.heap[i] = this.heap[parent] as number
      i = parent
    }
    this.heap[i] = device
  }

  pop(): number {
    if (this.size === 0) throw new RangeError('the queue is empty')
    const top = this.heap[0] as number
    const last = this.heap[--this.size] as number
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= this.size) break
      const right = left + 1
      const child =
        right < this.size && this.before(this.heap[right] as number, this.heap[left] as number) ? right : left
      if (!this.before(this.heap[child] as number, last)) break
      this.heap[i] = this.heap[child] as number
      i = child
    }
    this.heap[i] = last
    return top
  }

  /** Ties go to the lower index, so the order never depends on how the heap happened to be built. */
  private before(a: number, b: number): boolean {
    const da = this.due[a] as number
    const db = this.due[b] as number
    return da < db || (da === db && a < b)
  }
}
