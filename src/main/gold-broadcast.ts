// What gold's thread tells the readers directly, on a channel every thread of the process can open by the
// database's name (a BroadcastChannel): no port passes through the hosts, and a reader or gold's thread that
// starts again simply opens it again. Gold's thread sends the shared memory that holds the clients' rows
// (shared-clients.ts) and the devices' last seen (shared-seen.ts), and the names of clients and servers as
// they come; a reader that lacks them says hello and gets them with gold's next commit.
import { resolve } from 'node:path'
import { BroadcastChannel } from 'node:worker_threads'
import type { ClientNames, SharedClientBuffers } from '../pipeline/gold/shared-clients'
import type { SharedSeenBuffers } from '../pipeline/gold/shared-seen'

export type GoldBroadcast =
  | { kind: 'clients-shared'; buffers: SharedClientBuffers }
  | { kind: 'client-names'; names: ClientNames }
  | { kind: 'devices-shared'; buffers: SharedSeenBuffers }
  | { kind: 'hello' }

/** The channel of the database at `dbPath`, unreferenced: it never keeps a thread alive. */
export function goldChannel(dbPath: string, onMessage: (message: GoldBroadcast) => void): BroadcastChannel {
  const channel = new BroadcastChannel(`vigia-gold:${resolve(dbPath)}`)
  channel.onmessage = (event) => onMessage((event as { data: GoldBroadcast }).data)
  channel.unref()
  return channel
}
