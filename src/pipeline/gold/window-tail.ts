// The seconds leaving the client window, read from memory. Each second gold's newest second moves, the
// second 300 s before it leaves every client's window, and its bytes are taken away client by client. Read
// in SQL, that took every row of the minute holding it (a client's parts of a minute are one row), so with
// 100,000 clients each second the window moved read 100,000 rows and decoded their blobs (77-260 ms). Here
// that minute is read once, when the window's tail enters it, and a cursor per row then decodes only the
// seconds that left since the last move. What gold writes into that minute after it was read (a late
// sample) is added beside the rows, so the cache always says what the table says.
import type { Statement } from 'better-sqlite3'
import { VarintReader } from '../db/varint'
import { SECONDS_PER_MINUTE, indexInMinute, minuteOfSecond } from '../db/usage-parts'
import { Interner } from './interner'
import { ClientParts } from './usage-sums'

/** A client's bytes on a server over some seconds: a row of the window's stored seconds. */
export type TailRow = [client: string, server: string, bytes: number]

/** gold_client_usage_parts' rows of one minute. */
export type MinuteRowsStatement = Statement<[number]>

export class ClientWindowTail {
  /** The minute read, null for none. */
  private minute: number | null = null
  private clients: string[] = []
  private servers = new Interner()
  private serverIds = new Uint32Array(0)
  /** Every row's parts, one after another, and each row's read position in them. */
  private blob: Buffer = Buffer.alloc(0)
  private cursors = new Uint32Array(0)
  /** The index in the minute of the first second not read yet (the same for every row). */
  private next = 0
  /** Parts written into the minute after it was read, by client and server. */
  private added = new ClientParts()

  constructor(private readonly minuteRows: MinuteRowsStatement) {}

  /**
   * Each client and server with bytes in the seconds `from < sec <= to`, as stored, with those bytes (a key
   * may come twice: its row's bytes, then what was written into the minute since it was read). Reads go
   * forward: a range that starts before the last one read reads its minute again.
   */
  *rows(from: number, to: number): Generator<TailRow> {
    for (let sec = from + 1; sec <= to;) {
      const minute = minuteOfSecond(sec)
      const last = Math.min(to, minute * SECONDS_PER_MINUTE)
      yield* this.minuteRowsIn(minute, indexInMinute(sec), indexInMinute(last))
      sec = last + 1
    }
  }

  /** Notes parts just written to the table: those of the minute read are added to it. */
  noteWritten(parts: ClientParts): void {
    if (this.minute === null) return
    const first = (this.minute - 1) * SECONDS_PER_MINUTE + 1
    for (const [client, servers] of parts.byMinute.get(this.minute) ?? [])
      for (const [server, written] of servers)
        for (let i = 0; i < SECONDS_PER_MINUTE; i++)
          if (written[i] !== 0) this.added.add(first + i, client, server, written[i]!)
  }

  /** Forgets the minute read: the table may have changed behind it (a rollback, retention, a rebuild). */
  forget(): void {
    this.minute = null
    this.clients = []
    this.serverIds = new Uint32Array(0)
    this.blob = Buffer.alloc(0)
    this.cursors = new Uint32Array(0)
    this.added = new ClientParts()
  }

  /** The rows' bytes in the seconds at indexes `lo..hi` of `minute`. */
  private *minuteRowsIn(minute: number, lo: number, hi: number): Generator<TailRow> {
    if (this.minute !== minute || lo < this.next) this.read(minute)
    const skip = lo - this.next
    const count = hi - lo + 1
    const reader = new VarintReader(this.blob, 'usage parts')
    for (let r = 0; r < this.clients.length; r++) {
      reader.at = this.cursors[r]!
      for (let i = 0; i < skip; i++) reader.next()
      let bytes = 0
      for (let i = 0; i < count; i++) bytes += reader.next()
      this.cursors[r] = reader.at
      if (bytes !== 0) yield [this.clients[r]!, this.servers.value(this.serverIds[r]!)!, bytes]
    }
    this.next = hi + 1
    for (const { client, server, parts } of this.added.rows()) {
      let bytes = 0
      for (let i = lo; i <= hi; i++) bytes += parts[i]!
      if (bytes !== 0) yield [client, server, bytes]
    }
  }

  private read(minute: number): void {
    this.forget()
    const chunks: Buffer[] = []
    const servers: number[] = []
    for (const row of this.minuteRows.raw().iterate(minute)) {
      const [client, server, parts] = row as unknown as [string, string, Buffer]
      this.clients.push(client)
      servers.push(this.servers.id(server))
      chunks.push(parts)
    }
    this.serverIds = Uint32Array.from(servers)
    this.cursors = new Uint32Array(chunks.length)
    let at = 0
    for (let r = 0; r < chunks.length; r++) {
      this.cursors[r] = at
      at += chunks[r]!.length
    }
    this.blob = Buffer.concat(chunks, at)
    this.minute = minute
    this.next = 0
  }
}
