// What the simulated subscribers look like: plans, device mixes and how each kind of device behaves.
// Figures are plausible for a residential access network, tuned so the metrics have something to find.
import type { DeviceType } from '../../shared/events'

/** The seed project's plan speeds (Mb/s). */
export const PLAN_SPEEDS_MBPS = [1, 5, 10, 15, 25, 35, 50, 100, 200, 400, 500, 1000] as const

// Real plan mixes peak in the middle; the seed drew uniformly, which would make 1 Gb/s as common as 1 Mb/s.
export const PLAN_WEIGHTS = [1, 3, 4, 4, 6, 6, 10, 16, 14, 9, 6, 4] as const

/** Devices per client: 1 to 4, households with one or two devices being the most common. */
export const DEVICES_PER_CLIENT = [1, 2, 3, 4] as const
export const DEVICES_PER_CLIENT_WEIGHTS = [35, 30, 20, 15] as const

export interface DeviceProfile {
  /** Share of devices of this type. */
  weight: number
  /** Median length of an online session and of the gap before the next one, in ms (log-normal). */
  sessionMedianMs: number
  gapMedianMs: number
  /** How much of its client's appetite for bandwidth this kind of device uses. */
  demand: number
  /** Upload as a share of download. */
  upShare: number
}

const MINUTE = 60_000

export const DEVICE_PROFILES: Record<DeviceType, DeviceProfile> = {
  mobile: { weight: 40, sessionMedianMs: 20 * MINUTE, gapMedianMs: 30 * MINUTE, demand: 0.5, upShare: 0.15 },
  computer: { weight: 25, sessionMedianMs: 90 * MINUTE, gapMedianMs: 60 * MINUTE, demand: 1, upShare: 0.2 },
  tv: { weight: 15, sessionMedianMs: 80 * MINUTE, gapMedianMs: 120 * MINUTE, demand: 1.6, upShare: 0.03 },
  iot: { weight: 15, sessionMedianMs: 360 * MINUTE, gapMedianMs: 5 * MINUTE, demand: 0.02, upShare: 0.6 },
  other: { weight: 5, sessionMedianMs: 45 * MINUTE, gapMedianMs: 60 * MINUTE, demand: 0.3, upShare: 0.25 },
}

/** Spread of session and gap lengths: from a minute to many hours around the medians. */
export const SESSION_SIGMA = 1.1

/**
 * Long-run share of time a device of this profile is online. For log-normal lengths the mean is
 * median * e^(sigma^2 / 2); the factor is the same for sessions and gaps, so it cancels here.
 */
export const onlineShare = (p: DeviceProfile): number =>
  p.sessionMedianMs / (p.sessionMedianMs + p.gapMedianMs)

/**
 * A client's appetite (Mb/s it would use if its plan allowed) is Pareto: most clients browse at well under
 * a megabit, a few stream and download all day. Shape 1.16 is the classic 80/20 split.
 */
export const APPETITE = { minMbps: 0.5, alpha: 1.16 } as const

/**
 * Each usage sample varies around the device's level (log-normal, mean 1), so rates burst and dip. The
 * mean-1 shift keeps the server capacities planned from the average level honest.
 */
export const BURST_SIGMA = 0.7
export const BURST_MEDIAN = Math.exp(-(BURST_SIGMA * BURST_SIGMA) / 2)

/** Device-to-device flows: Pareto bytes from a few packets to the occasional huge transfer. */
export const FLOW_BYTES = { min: 1_500, alpha: 1.1, max: 20e9 } as const

/**
 * Servers get devices unevenly (Zipf-like weights) and capacities planned for a target utilisation:
 * a third of them are planned too tight, so they run near or over capacity.
 */
export const SERVER_SKEW = 0.7
export const HOT_SERVER_SHARE = 1 / 3
export const HOT_UTILISATION = [0.95, 1.25] as const
export const NORMAL_UTILISATION = [0.3, 0.7] as const
/** Connection limits: what the box was sized for, relative to the devices expected online at once. */
export const HOT_CONNECTION_HEADROOM = [0.9, 1.1] as const
export const NORMAL_CONNECTION_HEADROOM = [1.3, 2] as const
