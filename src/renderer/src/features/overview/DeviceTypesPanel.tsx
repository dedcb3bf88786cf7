import { useMemo } from 'react'
import type { DeviceTypeRow } from '../../../../shared/metrics'
import { Panel } from '../../components/Panel'
import { formatBitRate } from '../../lib/format'
import { deviceTypesOption } from '../../lib/chart-options'
import { EChart } from '../../components/EChart'

/** Throughput over 10 s and provisioned bandwidth per device type at T. */
export function DeviceTypesPanel({
  rows,
  loading,
  error,
  at,
  answersAt,
}: {
  rows: DeviceTypeRow[] | undefined
  loading: boolean
  error: Error | undefined
  at: string
  answersAt?: number
}) {
  const option = useMemo(() => rows && deviceTypesOption(rows), [rows])
  return (
    <Panel
      id="device-types"
      title="Throughput and provisioned by device type"
      loading={loading}
      error={error}
      empty={!rows || rows.length === 0}
      emptyText="No usage and no connected device at this time."
      actions={<span className="ov-at">{at}</span>}
      answersAt={answersAt}
    >
      {rows && option && (
        <EChart
          option={option}
          testId="chart-device-types"
          points={rows.length}
          label={`By device type: ${rows
            .map(
              (r) =>
                `${r.deviceType} ${formatBitRate(r.bps)} of ${formatBitRate(r.provisionedBps)} provisioned`,
            )
            .join('; ')}`}
        />
      )}
    </Panel>
  )
}
