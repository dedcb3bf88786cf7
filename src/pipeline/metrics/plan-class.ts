export type PlanClass = 'low' | 'medium' | 'high' | 'unknown'

/** The seed project's classes: low up to 20 Mb/s, medium above 20 up to 100, high above 100. */
export function planClass(planMbps: number | null): PlanClass {
  if (planMbps === null) return 'unknown'
  if (planMbps <= 20) return 'low'
  if (planMbps <= 100) return 'medium'
  return 'high'
}
