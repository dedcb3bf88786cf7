import type { ConnectedHistory } from '../hooks/useConnectedHistory'

/** How far the connected-devices chart has been filled in, while it is. */
export function SamplingProgress({ history }: { history: ConnectedHistory }) {
  const done = history.data?.length ?? 0
  if (history.loading || history.error || done >= history.expected) return null
  return (
    <span className="ov-at ov-sampling">
      <progress value={done} max={history.expected} aria-label="Times of the range asked so far" />
      {done} of {history.expected}
    </span>
  )
}
