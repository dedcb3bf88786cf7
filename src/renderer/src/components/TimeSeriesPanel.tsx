import { useMemo, type ReactNode } from 'react'
import { Panel } from './Panel'
import { timeSeriesOption, type Unit } from '../lib/chart-options'
import { EChart } from './EChart'
import { busyBuckets, describe, type Lines } from '../lib/series-lines'

export interface MarkLine {
  name: string
  value: number
  color: string
}

/** A panel with one time chart: loading, error, empty when every bucket is zero, or the chart. */
export function TimeSeriesPanel({
  id,
  title,
  lines,
  unit,
  loading,
  error,
  emptyText,
  zoom = false,
  markLines,
  actions,
  answersAt,
}: {
  id: string
  title: string
  lines: Lines | undefined
  unit: Unit
  loading: boolean
  error: Error | undefined
  emptyText: string
  zoom?: boolean
  markLines?: MarkLine[]
  actions?: ReactNode
  /** The T the lines answer (Panel's `answersAt`). */
  answersAt?: number
}) {
  const option = useMemo(
    () => lines && timeSeriesOption({ ...lines, unit, zoom, markLines }),
    [lines, unit, zoom, markLines],
  )
  const busy = lines ? busyBuckets(lines) : 0
  return (
    <Panel
      id={id}
      title={title}
      loading={loading}
      error={error}
      empty={!lines || busy === 0}
      emptyText={emptyText}
      actions={actions}
      answersAt={answersAt}
    >
      {option && lines && (
        <EChart option={option} label={describe(title, lines, unit)} testId={`chart-${id}`} points={busy} />
      )}
    </Panel>
  )
}
