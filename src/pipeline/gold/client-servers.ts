// Every client's usage bytes per server in the client window, kept in memory by the live state: a batch
// writes the pairs of the clients on more than one server (gold_live_client_servers) without reading them
// back, and takes each moved client's main server from here rather than from a read of the table.
// A client costs about 135 bytes of heap with one server and 8 more per other server (measured with 100,000
// clients of the benchmark network's names: 12.7 MiB at one server each, as in its 10 million events, 14.2
// MiB at two): its name as the Map's key, and its pairs in one small array of numbers.
import { compareBinary } from '../db/binary-order'
import { Interner } from './interner'

/**
 * A client's main server: the server carrying most of its usage in the window (null for none), and its bytes
 * there.
 */
export interface MainServer {
  server: string | null
  bytes: number
}

export class ClientServers {
  /** Server names, numbered in their order of arrival (a network has a few dozen). */
  private readonly servers = new Interner()
  /** Client -> its pairs with bytes, flat: server id, bytes, server id, bytes... */
  private readonly clients = new Map<string, number[]>()

  /** Adds `bytes` to a client's bytes on a server; at 0 the pair is dropped, as its row. */
  add(client: string, server: string, bytes: number): void {
    const id = this.servers.id(server)
    const pairs = this.clients.get(client)
    if (!pairs) {
      if (bytes !== 0) this.clients.set(client, [id, bytes])
      return
    }
    for (let i = 0; i < pairs.length; i += 2) {
      if (pairs[i] !== id) continue
      const sum = pairs[i + 1]! + bytes
      if (sum !== 0) pairs[i + 1] = sum
      else if (pairs.length > 2) pairs.splice(i, 2)
      else this.clients.delete(client)
      return
    }
    // concat makes an array of the exact length (push or a spread leave room for 16 more numbers or so).
    if (bytes !== 0) this.clients.set(client, pairs.concat(id, bytes))
  }

  /**
   * The client's main server, as REFILL_CLIENT_WINDOWS_SQL takes it: the most bytes, the first server in
   * SQLite's order of names at a tie.
   */
  main(client: string): MainServer {
    const main: MainServer = { server: null, bytes: 0 }
    const pairs = this.clients.get(client)
    if (!pairs) return main
    for (let i = 0; i < pairs.length; i += 2) {
      const server = this.servers.value(pairs[i]!)!
      const bytes = pairs[i + 1]!
      if (
        bytes > main.bytes ||
        (bytes === main.bytes && bytes > 0 && compareBinary(server, main.server!) < 0)
      ) {
        main.server = server
        main.bytes = bytes
      }
    }
    return main
  }

  /** How many servers carry some of the client's usage in the window. */
  count(client: string): number {
    return (this.clients.get(client)?.length ?? 0) / 2
  }

  /** The client's servers with their bytes, in no particular order. */
  *pairsOf(client: string): IterableIterator<[server: string, bytes: number]> {
    const pairs = this.clients.get(client) ?? []
    for (let i = 0; i < pairs.length; i += 2) yield [this.servers.value(pairs[i]!)!, pairs[i + 1]!]
  }

  /** Every pair, in no particular order (for tests to hold the mirror to the tables). */
  *pairs(): IterableIterator<[client: string, server: string, bytes: number]> {
    for (const [client, pairs] of this.clients)
      for (let i = 0; i < pairs.length; i += 2) yield [client, this.servers.value(pairs[i]!)!, pairs[i + 1]!]
  }
}
