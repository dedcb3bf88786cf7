import { formatShare } from '../../lib/format'
import { finite, LEVEL_TEXT, levelOf } from './utilisation'

/** A utilisation as a bar coloured by level, with its percentage; over 100 % the bar is full. */
export function UtilisationBar({ value, label }: { value: number | null; label: string }) {
  const v = finite(value)
  const level = levelOf(v)
  const percent = v === null ? 0 : v * 100
  return (
    <div className="srv-util" data-level={level}>
      <div
        className={`bar level-${level}`}
        role="meter"
        aria-label={`${label}: ${formatShare(v)}, ${LEVEL_TEXT[level]}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.min(100, Math.max(0, percent))}
        aria-valuetext={formatShare(v)}
      >
        <span style={{ width: `${Math.min(100, percent)}%` }} />
      </div>
      <span className={`srv-util-value level-${level}`}>{formatShare(v)}</span>
    </div>
  )
}
