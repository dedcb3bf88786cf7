// The utilisation around an alert, drawn with the house chart hook.
import { useMemo } from 'react'
import type { AlertDto, AlertSample } from '../../../../shared/alerts'
import { useEChart } from '../../hooks/useEChart'
import { formatTime } from '../../lib/format'
import { evidenceOption } from './evidence-option'

export function EvidenceChart({
  alert,
  samples,
  levels,
  server,
}: {
  alert: AlertDto
  samples: AlertSample[]
  levels: { raisePct: number; clearPct: number } | null
  server: string
}) {
  const option = useMemo(
    () => evidenceOption({ samples, alert, levels, formatTime: (ms) => formatTime(ms, true) }),
    [samples, alert, levels],
  )
  const ref = useEChart(option)
  const peak = Math.max(0, ...samples.map((s) => Math.max(s.connectionUtilisation, s.throughputUtilisation)))
  return (
    <div
      ref={ref}
      className="chart al-chart"
      role="img"
      aria-label={`Connection and throughput utilisation of ${server}, ${samples.length} minutes around the alert, peak ${Math.round(peak * 100)} % of capacity`}
      data-testid="chart-alert-evidence"
      data-points={samples.length}
    />
  )
}
