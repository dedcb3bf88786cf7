// The simulated network: access servers, clients and their devices, drawn once from the seed. The same
// inventory is what tests compare the traffic against (capacities, connection limits).
import { DEVICE_TYPES, type DeviceType } from '../../shared/events'
import { clientId, deviceIp, deviceMac, serverId } from './identifiers'
import {
  APPETITE,
  BURST_MEDIAN,
  BURST_SIGMA,
  DEVICE_PROFILES,
  DEVICES_PER_CLIENT,
  DEVICES_PER_CLIENT_WEIGHTS,
  HOT_CONNECTION_HEADROOM,
  HOT_SERVER_SHARE,
  HOT_UTILISATION,
  NORMAL_CONNECTION_HEADROOM,
  NORMAL_UTILISATION,
  onlineShare,
  PLAN_SPEEDS_MBPS,
  PLAN_WEIGHTS,
  SERVER_SKEW,
} from './profiles'
import type { Rng } from './random'

export interface ServerInfo {
  id: string
  /** Uplink capacity in Mb/s. */
  capacity_mbps: number
  /** Sessions the server was sized for. */
  max_connections: number
  /** What the simulation expects on average: planned against the two limits above. */
  expected_mbps: number
  expected_connections: number
  devices: number
}

export interface ClientInfo {
  id: string
  plan_mbps: number
  /** What the client would use if the plan allowed it (Pareto across clients). */
  appetite_mbps: number
  server: string
  devices: string[]
}

export interface DeviceInfo {
  id: string
  index: number
  client: string
  server: string
  serverIndex: number
  type: DeviceType
  ip: string
  plan_mbps: number
  /** Median rate of a usage sample before the plan caps it. */
  level_mbps: number
}

export interface Inventory {
  servers: ServerInfo[]
  clients: ClientInfo[]
  devices: DeviceInfo[]
}

export const MAX_DEVICES = 1 << 22

const DEVICE_WEIGHTS = DEVICE_TYPES.map((t) => DEVICE_PROFILES[t].weight)

export function buildInventory(serverCount: number, deviceCount: number, rng: Rng): Inventory {
  if (!Number.isInteger(serverCount) || serverCount < 1) {
    throw new RangeError(`servers must be a positive integer, got ${serverCount}`)
  }
  if (!Number.isInteger(deviceCount) || deviceCount < 2 || deviceCount > MAX_DEVICES) {
    throw new RangeError(`devices must be an integer from 2 to ${MAX_DEVICES}, got ${deviceCount}`)
  }
  // Locally administered unicast prefix (bit 1 set, bit 0 clear): never a real vendor's.
  const prefix = [(rng.int(0, 255) & 0xfc) | 0x02, rng.int(0, 255), rng.int(0, 255)] as const
  const serverWeights = shuffle(
    Array.from({ length: serverCount }, (_, k) => (k + 1) ** -SERVER_SKEW),
    rng,
  )
  const serverIndices = serverWeights.map((_, k) => k)
  const load = new Float64Array(serverCount)
  const online = new Float64Array(serverCount)
  const counts = new Int32Array(serverCount)

  const clients: ClientInfo[] = []
  const devices: DeviceInfo[] = []
  while (devices.length < deviceCount) {
    const size = Math.min(
      rng.weighted(DEVICES_PER_CLIENT, DEVICES_PER_CLIENT_WEIGHTS),
      deviceCount - devices.length,
    )
    const plan = rng.weighted(PLAN_SPEEDS_MBPS, PLAN_WEIGHTS)
    const appetite = rng.pareto(APPETITE.minMbps, APPETITE.alpha)
    // A household sits behind one access server, so all its devices do.
    const s = rng.weighted(serverIndices, serverWeights)
    const client: ClientInfo = {
      id: clientId(clients.length),
      plan_mbps: plan,
      appetite_mbps: appetite,
      server: serverId(s),
      devices: [],
    }
    for (let k = 0; k < size; k++) {
      const index = devices.length
      const type = rng.weighted(DEVICE_TYPES, DEVICE_WEIGHTS)
      const profile = DEVICE_PROFILES[type]
      const level = appetite * profile.demand * BURST_MEDIAN
      const device: DeviceInfo = {
        id: deviceMac(prefix, index),
        index,
        client: client.id,
        server: client.server,
        serverIndex: s,
        type,
        ip: deviceIp(index),
        plan_mbps: plan,
        level_mbps: level,
      }
      devices.push(device)
      client.devices.push(device.id)
      load[s] = (load[s] as number) + onlineShare(profile) * expectedCappedRate(level, plan)
      online[s] = (online[s] as number) + onlineShare(profile)
      counts[s] = (counts[s] as number) + 1
    }
    clients.push(client)
  }

  const hot = new Set(
    shuffle(serverIndices, rng).slice(0, Math.max(1, Math.round(serverCount * HOT_SERVER_SHARE))),
  )
  const servers = serverIndices.map((s): ServerInfo => {
    const isHot = hot.has(s)
    const [lowUse, highUse] = isHot ? HOT_UTILISATION : NORMAL_UTILISATION
    const [lowRoom, highRoom] = isHot ? HOT_CONNECTION_HEADROOM : NORMAL_CONNECTION_HEADROOM
    const utilisation = rng.between(lowUse, highUse)
    const headroom = rng.between(lowRoom, highRoom)
    return {
      id: serverId(s),
      capacity_mbps: roundCapacity((load[s] ?? 0) / utilisation),
      max_connections: Math.max(1, Math.round((online[s] ?? 0) * headroom)),
      expected_mbps: load[s] ?? 0,
      expected_connections: online[s] ?? 0,
      devices: counts[s] ?? 0,
    }
  })
  return { servers, clients, devices }
}

function shuffle<T>(values: readonly T[], rng: Rng): T[] {
  const out = [...values]
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i)
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

/** Capacities come in round figures, as real uplinks do; at least 10 Mb/s. */
function roundCapacity(mbps: number): number {
  const step = mbps < 1_000 ? 10 : mbps < 10_000 ? 100 : 1_000
  return Math.max(10, Math.round(mbps / step) * step)
}

/**
 * Mean of min(plan, level * B) for B log-normal with median 1 and spread BURST_SIGMA (the level already
 * carries the median shift). Capacity planning needs the mean after the plan cap, or capped heavy users
 * would inflate it.
 */
function expectedCappedRate(level: number, plan: number): number {
  const mu = Math.log(level)
  const s = BURST_SIGMA
  const lnPlan = Math.log(plan)
  const mean = Math.exp(mu + (s * s) / 2)
  return mean * normalCdf((lnPlan - mu - s * s) / s) + plan * (1 - normalCdf((lnPlan - mu) / s))
}

/** Standard normal CDF (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * z)
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
  const erf = 1 - poly * Math.exp(-z * z)
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2
}
