export type PlanClass = 'low' | 'medium' | 'high' | 'unknown'

/** The seed project's classes: low up to 20 Mb/s, medium above 20 up to 100, high above 100. */
export const LOW_MAX_MBPS = 20
export const MEDIUM_MAX_MBPS = 100

export function planClass(planMbps: number | null): PlanClass {
  if (planMbps === null) return 'unknown'
  if (planMbps <= LOW_MAX_MBPS) return 'low'
  if (planMbps <= MEDIUM_MAX_MBPS) return 'medium'
  return 'high'
}
