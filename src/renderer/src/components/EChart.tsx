import { useEChart, type ChartOption } from '../hooks/useEChart'

/** One chart. Mounted only when its panel shows content, so the hook finds its element when it starts.
 * The label says in words what the canvas shows, for screen readers and tests. */
export function EChart({
  option,
  label,
  testId,
  points,
  tall = false,
}: {
  option: ChartOption
  label: string
  testId: string
  /** How many buckets hold a non-zero value. */
  points?: number
  tall?: boolean
}) {
  const ref = useEChart(option)
  return (
    <div
      ref={ref}
      className={tall ? 'chart ov-chart-tall' : 'chart'}
      role="img"
      aria-label={label}
      data-testid={testId}
      data-points={points}
    />
  )
}
