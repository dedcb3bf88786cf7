// Live state: what the overview needs at "now" (T at or after the newest event in gold), kept by the gold
// stage as it folds, so that "now" reads a few thousand rows instead of a row per device or client.
//   gold_live            the newest second folded (the anchor N);
//   gold_live_devices    devices whose latest status is a connect, counted per second of their last event,
//                        server and device type, with their plans: connected at T = the seconds after T - idle;
//   gold_live_connects   devices counted per second of their latest connect: distinct devices in a window;
//   gold_clients         live_until, the last event of the client's devices whose latest status is a
//                        connect (connected at T = live_until > T - idle), and window_bytes, its usage
//                        bytes in (N - 300 s, N], and devices, how many devices name it as their client;
//   gold_live_client_servers  usage bytes per client and server in (N - 300 s, N], for the clients with
//                        some on more than one server (a client on one has its bytes there as main_bytes,
//                        equal to its window_bytes: nearly every client, whose row each second moved by the
//                        window would otherwise be written twice); every pair is also kept in memory
//                        (ClientServers) so that a batch reads none of it back;
//   gold_clients         main_server and main_bytes: the server carrying most of the client's usage in
//                        that window (the first by name at a tie) and its bytes there, and latest_server,
//                        the server of its devices' latest connect, for the heavy-user table;
//   gold_live_pairs      bytes per ordered device pair in (N - 60 s, N], for the pairs with some.
// Every figure is a sum of integers moved by each device's state before and after a batch, so it is exact
// and the same as recomputing it (refillLiveState; a test holds the two to each other).
import type { Db } from '../db/open'
import { partsInSecondsSql } from '../db/usage-parts'
import { secondOf } from './buckets'
import {
  ClientRows,
  LATEST_SERVER_SQL,
  type ClientMove,
  type ClientSeen,
  type ClientWrite,
} from './client-rows'
import { ClientServers } from './client-servers'
import type { ClientChanges } from './client-states'
import type { DeviceChange, DeviceSnapshot } from './device-states'
import { SlidingSum, windowMoves, type AddedAfter, type Moves } from './sliding-sum'
import type { ClientParts } from './usage-sums'
import { ClientWindowTail } from './window-tail'

/** The window of window_bytes: the heavy-client window. */
export const CLIENT_WINDOW_S = 300
/** The window of gold_live_pairs: the device-pair window. */
export const PAIR_WINDOW_S = 60

// The device type of a device without one, in gold_live_devices' key (device types never are empty).
const NO_TYPE = ''

/** ceil(x / 1000) in SQL for integer x of either sign (`/` truncates towards zero). */
const secondSql = (x: string) => `(${x} / 1000 + (${x} % 1000 > 0))`

/** Plans are summed in kb/s, integers, so that adding and taking away never drifts. */
export const planKbps = (planMbps: number | null): number =>
  planMbps === null ? 0 : Math.round(planMbps * 1000)

/** planKbps in SQL, of a row's plan_mbps. */
export const PLAN_KBPS_SQL = 'CAST(round(coalesce(plan_mbps, 0) * 1000) AS INTEGER)'

/** Recomputes the live state from gold_devices and gold_client_usage_parts. */
export const REFILL_LIVE_STATE_SQL = `
  DELETE FROM gold_live;
  INSERT INTO gold_live (id, newest_sec)
    SELECT 1, ${secondSql('max(last_seen)')} FROM gold_devices HAVING count(*) > 0;
  DELETE FROM gold_live_devices;
  INSERT INTO gold_live_devices (last_sec, server, device_type, devices, plan_kbps)
    SELECT ${secondSql('last_seen')}, server, coalesce(device_type, '${NO_TYPE}'), count(*),
      sum(${PLAN_KBPS_SQL})
    FROM gold_devices WHERE status = 'connect' GROUP BY 1, 2, 3;
  DELETE FROM gold_live_connects;
  INSERT INTO gold_live_connects (sec, devices)
    SELECT ${secondSql('connect_ts')}, count(*) FROM gold_devices WHERE connect_ts IS NOT NULL GROUP BY 1;
  UPDATE gold_clients SET live_until = NULL, devices = 0 WHERE live_until IS NOT NULL OR devices <> 0;
  UPDATE gold_clients SET devices = d.devices
    FROM (SELECT client, count(*) AS devices FROM gold_devices WHERE client IS NOT NULL GROUP BY client) d
    WHERE gold_clients.client = d.client;
  UPDATE gold_clients SET live_until = d.until
    FROM (SELECT client, max(last_seen) AS until FROM gold_devices
          WHERE status = 'connect' AND client IS NOT NULL GROUP BY client) d
    WHERE gold_clients.client = d.client;
`

export const REFILL_LATEST_SERVERS_SQL = `
  UPDATE gold_clients SET latest_server = ${LATEST_SERVER_SQL('gold_clients.client')};`

export function refillLiveState(db: Db): void {
  db.exec(REFILL_LIVE_STATE_SQL + REFILL_LATEST_SERVERS_SQL)
  refillWindows(db)
}

/**
 * SQL: the gold_clients row (of alias `c`, or unqualified) is a client with usage on one server in the window,
 * so it has no rows in gold_live_client_servers: its main server carries all its bytes.
 */
export const ON_ONE_SERVER_SQL = (c = '') => `${c}main_bytes > 0 AND ${c}main_bytes = ${c}window_bytes`

/**
 * Every client's bytes per server in the window, as the live state keeps them: the rows of the clients on
 * more than one server, and the main server of the others.
 */
export const EVERY_CLIENT_SERVER_SQL = `
  SELECT client, server, bytes FROM gold_live_client_servers
  UNION ALL SELECT client, main_server, main_bytes FROM gold_clients WHERE ${ON_ONE_SERVER_SQL()}`

/**
 * Counts the client windows again from the seconds there are (retention may have taken some they counted):
 * the pairs of the clients on more than one server, each client's window bytes, and its main server (the most
 * bytes, the first in SQLite's order of names at a tie, as ClientServers.main takes it).
 */
export const REFILL_CLIENT_WINDOWS_SQL = `
  DROP TABLE IF EXISTS temp.window_pairs;
  CREATE TEMP TABLE window_pairs AS
    SELECT client, server, sum(bytes) AS bytes FROM (${partsInSecondsSql(
      'gold_client_usage_parts',
      'client, server',
      `(SELECT newest_sec FROM gold_live) - ${CLIENT_WINDOW_S}`,
      '(SELECT newest_sec FROM gold_live)',
    )})
    GROUP BY client, server HAVING sum(bytes) > 0;
  DELETE FROM gold_live_client_servers;
  INSERT INTO gold_live_client_servers (client, server, bytes)
    SELECT client, server, bytes FROM window_pairs
    WHERE client IN (SELECT client FROM window_pairs GROUP BY client HAVING count(*) > 1);
  UPDATE gold_clients SET window_bytes = 0, main_server = NULL, main_bytes = 0
    WHERE window_bytes <> 0 OR main_server IS NOT NULL OR main_bytes <> 0;
  UPDATE gold_clients SET window_bytes = w.bytes, main_server = w.server, main_bytes = w.main
    FROM (SELECT client, sum(bytes) OVER (PARTITION BY client) AS bytes, server, bytes AS main,
            row_number() OVER (PARTITION BY client ORDER BY bytes DESC, server) AS rank
          FROM window_pairs) w
    WHERE w.rank = 1 AND gold_clients.client = w.client;
  DROP TABLE temp.window_pairs;`

/** Counts the pair windows again from the seconds there are. */
export const REFILL_PAIR_WINDOWS_SQL = `
  DELETE FROM gold_live_pairs;
  INSERT INTO gold_live_pairs (device, peer, bytes)
    SELECT device, peer, sum(bytes) FROM gold_flow_second
    WHERE sec > (SELECT newest_sec FROM gold_live) - ${PAIR_WINDOW_S} GROUP BY device, peer HAVING sum(bytes) > 0;`

export function refillWindows(db: Db): void {
  db.exec(REFILL_CLIENT_WINDOWS_SQL + REFILL_PAIR_WINDOWS_SQL)
}

const connected = <S extends DeviceSnapshot>(s: S | null): S | null => (s?.status === 'connect' ? s : null)

/** One batch's moves of the live state, from `LiveState.begin` to `LiveState.finish`. */
export interface LiveBatch {
  anchor: number | null
  newest: number
  /**
   * Per client. This and the two sets below are taken out client by client as the rows are written: by
   * `writeClient` for the clients the batch's events name, by `finish` for the rest.
   */
  clients: Map<string, ClientMove>
  /** Clients a device left (disconnected, or moved to another client): their live_until is counted again. */
  recompute: Set<string>
  /** Clients a device joined, left, or connected to or on another server: latest_server is read again. */
  latestServers: Set<string>
  /** False when the client window is counted again. */
  clientWindows: boolean
  pairWindows: Moves | null
}

export class LiveState {
  private readonly anchorStmt
  private readonly setAnchor
  /** The client window's oldest minute, read once rather than each time the window moves. */
  private readonly windowTail: ClientWindowTail
  private readonly pairWindows: SlidingSum
  private readonly moveDeviceCounts
  private readonly dropEmptyDevices
  private readonly moveConnects
  private readonly dropEmptyConnects
  private readonly clientRows: ClientRows
  private readonly movePair
  private readonly dropPair
  private readonly allClientServers
  private readonly putClientServer
  private readonly dropClientServers
  /**
   * Every client's bytes per server as of the last batch (EVERY_CLIENT_SERVER_SQL), read again when the
   * windows are counted again; null until read, and after `forget`.
   */
  private clientServers: ClientServers | null = null

  constructor(private readonly db: Db) {
    this.anchorStmt = db.prepare<[], { newest_sec: number }>('SELECT newest_sec FROM gold_live WHERE id = 1')
    this.setAnchor = db.prepare(
      'INSERT INTO gold_live (id, newest_sec) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET newest_sec = excluded.newest_sec',
    )
    this.moveDeviceCounts = db.prepare<[number, string, string, number, number], { devices: number }>(
      `INSERT INTO gold_live_devices (last_sec, server, device_type, devices, plan_kbps) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (last_sec, server, device_type) DO UPDATE SET devices = devices + excluded.devices,
         plan_kbps = plan_kbps + excluded.plan_kbps
       RETURNING devices`,
    )
    this.dropEmptyDevices = db.prepare(
      'DELETE FROM gold_live_devices WHERE last_sec = ? AND server = ? AND device_type = ? AND devices = 0',
    )
    this.moveConnects = db.prepare<[number, number], { devices: number }>(
      `INSERT INTO gold_live_connects (sec, devices) VALUES (?, ?)
       ON CONFLICT (sec) DO UPDATE SET devices = devices + excluded.devices RETURNING devices`,
    )
    this.dropEmptyConnects = db.prepare('DELETE FROM gold_live_connects WHERE sec = ? AND devices = 0')
    this.clientRows = new ClientRows(db)
    this.windowTail = new ClientWindowTail(
      db.prepare('SELECT client, server, parts FROM gold_client_usage_parts WHERE minute = ?'),
    )
    this.movePair = db.prepare<[string, string, number], { bytes: number }>(
      `INSERT INTO gold_live_pairs (device, peer, bytes) VALUES (?, ?, ?)
       ON CONFLICT (device, peer) DO UPDATE SET bytes = bytes + excluded.bytes RETURNING bytes`,
    )
    this.dropPair = db.prepare('DELETE FROM gold_live_pairs WHERE device = ? AND peer = ?')
    this.allClientServers = db
      .prepare<[], [client: string, server: string, bytes: number]>(EVERY_CLIENT_SERVER_SQL)
      .raw()
    // The pairs' bytes come from the mirror (ClientServers), not from the rows.
    this.putClientServer = db.prepare<[string, string, number]>(
      'INSERT INTO gold_live_client_servers (client, server, bytes) VALUES (?, ?, ?)',
    )
    this.dropClientServers = db.prepare('DELETE FROM gold_live_client_servers WHERE client = ?')
    this.pairWindows = new SlidingSum({
      seconds: PAIR_WINDOW_S,
      stored: db.prepare('SELECT device, peer, bytes FROM gold_flow_second WHERE sec > ? AND sec <= ?'),
    })
  }

  /** Reads the clients' bytes per server and their rows into memory, so that the first batch does not wait for them. */
  preload(): void {
    this.residentClientServers()
    this.clientRows.fill()
  }

  /**
   * Forgets what is kept of the client windows (after a rollback, a rebuild, another writer's commit, or the
   * windows counted again by retention): the next batch reads them again.
   */
  forget(): void {
    this.clientServers = null
    this.windowTail.forget()
    this.clientRows.forget()
  }

  /** The clients' rows written since the last call, for the readers (ClientRows.takeChanges). */
  takeClientChanges(full = false): ClientChanges {
    return this.clientRows.takeChanges(full)
  }

  /** Notes the clients' usage parts a batch wrote: after they are written. */
  noteWrittenParts(parts: ClientParts): void {
    this.windowTail.noteWritten(parts)
  }

  /** The newest second folded into gold, or null when gold is empty. */
  anchor(): number | null {
    return this.anchorStmt.get()?.newest_sec ?? null
  }

  /**
   * Begins a batch that moves gold's newest second from `anchor` to `newest` and adds usage per client and
   * second and flow bytes per pair and second: reads the seconds leaving the windows, before the batch's
   * seconds are written.
   */
  begin(anchor: number | null, newest: number, clientBytes: AddedAfter, pairSeconds: AddedAfter): LiveBatch {
    const clients = new Map<string, ClientMove>()
    // The client window moves straight into the mirror and each client's move, a row at a time: through a
    // map of moves per client and server first, each second the window moved cost several µs a client.
    const clientWindows = windowMoves(anchor, newest, CLIENT_WINDOW_S)
    if (clientWindows) {
      const mirror = this.residentClientServers()
      const move = (client: string, server: string, bytes: number) => {
        if (bytes === 0) return
        let m = clients.get(client)
        if (!m) clients.set(client, (m = { until: null, bytes: 0, devices: 0 }))
        m.bytes += bytes
        m.serversBefore ??= mirror.count(client)
        mirror.add(client, server, bytes)
      }
      const from = newest - CLIENT_WINDOW_S
      // The seconds leaving the window, as stored, then the batch's inside it.
      if (newest > anchor)
        for (const [client, server, bytes] of this.windowTail.rows(anchor - CLIENT_WINDOW_S, from))
          move(client, server, -bytes)
      for (const { key, bytes } of clientBytes(from)) move(key[0]!, key[1]!, bytes)
    }
    return {
      anchor,
      newest,
      clients,
      recompute: new Set(),
      latestServers: new Set(),
      clientWindows,
      pairWindows: this.pairWindows.moves(anchor, newest, pairSeconds),
    }
  }

  /**
   * Moves the device counts by what the batch changed, and gathers the clients' later live_until: after
   * gold_devices is written.
   */
  moveDevices(batch: LiveBatch, changes: readonly DeviceChange[]): void {
    const devices = new Map<string, { key: [number, string, string]; devices: number; kbps: number }>()
    const moveDevice = (s: DeviceSnapshot, sign: 1 | -1) => {
      const key: [number, string, string] = [secondOf(s.last_seen), s.server ?? '', s.device_type ?? NO_TYPE]
      const k = key.join('\u0000')
      const entry = devices.get(k) ?? { key, devices: 0, kbps: 0 }
      entry.devices += sign
      entry.kbps += sign * planKbps(s.plan_mbps)
      devices.set(k, entry)
    }
    const moveClient = (client: string) => {
      const move = batch.clients.get(client) ?? { until: null, bytes: 0, devices: 0 }
      batch.clients.set(client, move)
      return move
    }
    const connects = new Map<number, number>()
    const moveConnect = (ts: number, sign: 1 | -1) =>
      connects.set(secondOf(ts), (connects.get(secondOf(ts)) ?? 0) + sign)

    for (const { before, after } of changes) {
      const was = connected(before)
      const is = connected(after)
      if (was) moveDevice(was, -1)
      if (is) moveDevice(is, 1)
      if (before?.connect_ts !== after.connect_ts) {
        if (before?.connect_ts != null) moveConnect(before.connect_ts, -1)
        if (after.connect_ts !== null) moveConnect(after.connect_ts, 1)
      }
      // A device only ever moves its client's live_until forward while it stays connected to that client;
      // one that leaves (a disconnect, another client) makes the client's other devices count again.
      if (before?.client !== after.client) {
        if (before?.client) moveClient(before.client).devices--
        if (after.client) moveClient(after.client).devices++
      }
      if (is?.client) {
        const move = moveClient(is.client)
        move.until = Math.max(move.until ?? is.last_seen, is.last_seen)
      }
      if (was?.client && was.client !== is?.client) batch.recompute.add(was.client)
      if (
        before?.client !== after.client ||
        before.connect_ts !== after.connect_ts ||
        before.server !== after.server
      ) {
        if (before?.client) batch.latestServers.add(before.client)
        if (after.client) batch.latestServers.add(after.client)
      }
    }

    for (const { key, devices: n, kbps } of devices.values()) {
      if (n === 0 && kbps === 0) continue
      if (this.moveDeviceCounts.get(...key, n, kbps)?.devices === 0) this.dropEmptyDevices.run(...key)
    }
    for (const [sec, n] of connects) {
      if (n !== 0 && this.moveConnects.get(sec, n)?.devices === 0) this.dropEmptyConnects.run(sec)
    }
  }

  /**
   * Writes the rows of gold_live_client_servers of the clients whose bytes the window moved (`begin` moved
   * them in the mirror), and notes each one's main server, to be written with its row: after the batch's
   * seconds are stored, before its clients are written. A window counted again is counted in `finish`, once
   * every client of the batch has a row.
   */
  moveClientWindows(batch: LiveBatch): void {
    if (!batch.clientWindows) return
    const mirror = this.residentClientServers()
    for (const [client, move] of batch.clients) {
      if (move.serversBefore === undefined) continue
      if (move.serversBefore > 1) this.dropClientServers.run(client)
      if (mirror.count(client) > 1)
        for (const [server, bytes] of mirror.pairsOf(client)) this.putClientServer.run(client, server, bytes)
      move.main = mirror.main(client)
    }
  }

  /**
   * Writes a client the batch's events name, with what the batch moved in its row (taken out of the batch):
   * after `moveClientWindows`.
   */
  writeClient(batch: LiveBatch, client: string, seen: ClientSeen): void {
    this.clientRows.upsert(client, seen, this.takeClient(batch, client))
  }

  /** Writes what is left of the batch: after its clients are written (`moveClientWindows` before them). */
  finish(batch: LiveBatch): void {
    // First: a window counted again reads the new anchor.
    if (batch.newest !== batch.anchor) this.setAnchor.run(batch.newest)
    // The clients the batch's events do not name, each written once: taking a client out of the batch takes
    // it out of all three, so each loop sees only those the loops before it did not write.
    for (const client of batch.clients.keys()) this.clientRows.update(client, this.takeClient(batch, client))
    for (const client of batch.recompute) this.clientRows.update(client, this.takeClient(batch, client))
    for (const client of batch.latestServers) this.clientRows.update(client, this.takeClient(batch, client))
    if (!batch.clientWindows) {
      this.db.exec(REFILL_CLIENT_WINDOWS_SQL)
      this.clientServers = this.readClientServers()
      this.clientRows.forget()
      this.clientRows.fill()
    }
    if (batch.pairWindows === null) this.db.exec(REFILL_PAIR_WINDOWS_SQL)
    for (const { key, bytes } of batch.pairWindows?.values() ?? []) {
      const [device, peer] = key as [string, string]
      if (bytes !== 0 && this.movePair.get(device, peer, bytes)?.bytes === 0) this.dropPair.run(device, peer)
    }
  }

  private residentClientServers(): ClientServers {
    return (this.clientServers ??= this.readClientServers())
  }

  private readClientServers(): ClientServers {
    const clientServers = new ClientServers()
    for (const [client, server, bytes] of this.allClientServers.iterate())
      clientServers.add(client, server, bytes)
    return clientServers
  }

  /** A client's move and what else its row takes, taken out of the batch. */
  private takeClient(batch: LiveBatch, client: string): ClientWrite {
    const move = batch.clients.get(client) ?? { until: null, bytes: 0, devices: 0 }
    batch.clients.delete(client)
    return { move, recount: batch.recompute.delete(client), latest: batch.latestServers.delete(client) }
  }
}
