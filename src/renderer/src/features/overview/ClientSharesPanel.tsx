import { useMemo } from 'react'
import type { HeavyClientsMetric } from '../../../../shared/metrics'
import { Panel } from '../../components/Panel'
import { formatCount, formatShare } from '../../lib/format'
import { clientSharesOption } from '../../lib/chart-options'
import { EChart } from '../../components/EChart'

/** Heavy-client share and plan-class shares of the connected clients at T. */
export function ClientSharesPanel({
  heavy,
  loading,
  error,
  at,
  answersAt,
}: {
  heavy: HeavyClientsMetric | undefined
  loading: boolean
  error: Error | undefined
  at: string
  answersAt?: number
}) {
  const option = useMemo(() => heavy && clientSharesOption(heavy), [heavy])
  return (
    <Panel
      id="client-shares"
      title="Heavy clients and plan classes"
      loading={loading}
      error={error}
      empty={!heavy || heavy.connectedClients === 0}
      emptyText="No client is connected at this time."
      actions={<span className="ov-at">{at}</span>}
      answersAt={answersAt}
    >
      {heavy && option && (
        <EChart
          option={option}
          testId="chart-client-shares"
          points={heavy.connectedClients}
          label={`Of ${formatCount(heavy.connectedClients)} connected clients: heavy ${formatShare(
            heavy.heavyShare,
          )}, high plan ${formatShare(heavy.highPlanShare)}, medium ${formatCount(
            heavy.planClasses.medium,
          )}, low ${formatCount(heavy.planClasses.low)}, unknown ${formatCount(heavy.planClasses.unknown)}`}
        />
      )}
    </Panel>
  )
}
