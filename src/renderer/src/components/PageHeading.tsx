import type { ReactNode } from 'react'
import { formatTime } from '../lib/format'

/**
 * The page title and the times it shows: figures at T and, for charts, their range, with the zone; and the
 * notice of live figures whose newest event lags T (useDataLag).
 */
export function PageHeading({
  title,
  live,
  at,
  lag,
  range,
  children,
}: {
  title: ReactNode
  live: boolean
  at: number | undefined
  lag?: string | null
  range?: { from: number; to: number }
  children?: ReactNode
}) {
  // Outside live mode the date matters: a range may be any day.
  const withDate = !live || (range !== undefined && range.to - range.from > 86_400_000)
  return (
    <div className="ov-head">
      <h1>{title}</h1>
      {children}
      {at !== undefined && (
        <p className="ov-as-of" data-testid="as-of">
          <span className={live ? 'ov-mode ov-live' : 'ov-mode'}>{live ? 'Live' : 'Range'}</span>
          Figures at {formatTime(at, withDate)}
          {range && ` · charts from ${formatTime(range.from, withDate)} to ${formatTime(range.to, withDate)}`}
        </p>
      )}
      {lag && (
        <p className="ov-lag" role="status" data-testid="data-lag">
          {lag}
        </p>
      )}
    </div>
  )
}
