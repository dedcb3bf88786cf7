import { useMemo } from 'react'
import type { DevicePair } from '../../../../shared/metrics'
import { Panel } from '../../components/Panel'
import { formatBitRate } from '../../lib/format'
import { pairsSankeyOption } from '../../lib/chart-options'
import { EChart } from '../../components/EChart'

/** The largest device-to-device flows of the last 60 s before T, sender to receiver. */
export function TopPairsPanel({
  pairs,
  loading,
  error,
  at,
  answersAt,
}: {
  pairs: DevicePair[] | undefined
  loading: boolean
  error: Error | undefined
  at: string
  answersAt?: number
}) {
  const option = useMemo(() => pairs && pairsSankeyOption(pairs), [pairs])
  return (
    <Panel
      id="top-pairs"
      title="Top device pairs (last 60 s)"
      className="ov-wide"
      loading={loading}
      error={error}
      empty={!pairs || pairs.length === 0}
      emptyText="No device-to-device flows in the last 60 s."
      actions={<span className="ov-at">{at}</span>}
      answersAt={answersAt}
    >
      {pairs && option && (
        <EChart
          option={option}
          tall
          testId="chart-top-pairs"
          points={pairs.length}
          label={`Top ${pairs.length} device pairs: ${pairs
            .slice(0, 5)
            .map((p) => `${p.device} to ${p.peer} ${formatBitRate(p.bps)}`)
            .join('; ')}`}
        />
      )}
    </Panel>
  )
}
