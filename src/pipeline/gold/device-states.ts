// The current state of each device, kept in event time: a late event never overwrites a newer one, and a
// disconnect wins a tie with a connect at the same ts.
import type { Db } from '../db/open'

export interface DeviceState {
  device: string
  server: string | null
  client: string | null
  device_type: string | null
  plan_mbps: number | null
  ip: string | null
  connect_ts: number | null
  status: 'connect' | 'disconnect' | null
  status_ts: number | null
  first_seen: number
  last_seen: number
}

interface StateEvent {
  ts: number
  type: 'connect' | 'disconnect' | 'usage' | 'flow'
  server: string | null
  device: string
  client: string | null
  device_type: string | null
  plan_mbps: number | null
  ip: string | null
}

/** A write-back cache over gold_devices for one gold batch. */
export class DeviceStates {
  private readonly cache = new Map<string, DeviceState>()
  private readonly dirty = new Set<string>()
  private readonly getStmt
  private readonly putStmt

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], DeviceState>('SELECT * FROM gold_devices WHERE device = ?')
    this.putStmt = db.prepare(
      `INSERT OR REPLACE INTO gold_devices (device, server, client, device_type, plan_mbps, ip, connect_ts, status,
         status_ts, first_seen, last_seen)
       VALUES (@device, @server, @client, @device_type, @plan_mbps, @ip, @connect_ts, @status, @status_ts,
         @first_seen, @last_seen)`,
    )
  }

  get(device: string): DeviceState | undefined {
    let state = this.cache.get(device)
    if (!state) {
      state = this.getStmt.get(device)
      if (state) this.cache.set(device, state)
    }
    return state
  }

  apply(e: StateEvent): void {
    let s = this.get(e.device)
    if (!s) {
      s = {
        device: e.device,
        server: e.server,
        client: e.client,
        device_type: null,
        plan_mbps: null,
        ip: null,
        connect_ts: null,
        status: null,
        status_ts: null,
        first_seen: e.ts,
        last_seen: e.ts,
      }
      this.cache.set(e.device, s)
    }
    s.first_seen = Math.min(s.first_seen, e.ts)
    s.last_seen = Math.max(s.last_seen, e.ts)
    s.server ??= e.server
    s.client ??= e.client
    if (e.type === 'connect' && (s.connect_ts === null || e.ts >= s.connect_ts)) {
      s.connect_ts = e.ts
      s.server = e.server
      s.client = e.client
      s.device_type = e.device_type
      s.plan_mbps = e.plan_mbps
      s.ip = e.ip
    }
    if (e.type === 'connect' || e.type === 'disconnect') {
      const newer = s.status_ts === null || e.ts > s.status_ts
      const tieGoesToDisconnect = e.ts === s.status_ts && e.type === 'disconnect'
      if (newer || tieGoesToDisconnect) {
        s.status = e.type
        s.status_ts = e.ts
      }
    }
    this.dirty.add(e.device)
  }

  /** Writes changed states back; the cache is dropped so the next batch reads what is committed. */
  flush(): void {
    for (const device of this.dirty) this.putStmt.run(this.cache.get(device)!)
    this.dirty.clear()
    this.cache.clear()
  }
}
