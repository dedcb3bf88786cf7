import { useState } from 'react'
import { currentSecond } from '../../../shared/instant'
import { zoneName } from '../lib/format'
import { useTime } from './time-context'

const PRESETS = [
  { label: '15 min', ms: 15 * 60_000 },
  { label: '1 h', ms: 3_600_000 },
  { label: '24 h', ms: 86_400_000 },
]

const toLocalInput = (ms: number) =>
  new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16)

/** Live, a preset range ending now, or a custom range: every chart and table follows it. */
export function TimeBar() {
  const { selection, setSelection } = useTime()
  const [custom, setCustom] = useState(false)
  const [from, setFrom] = useState(() => toLocalInput(Date.now() - 3_600_000))
  const [to, setTo] = useState(() => toLocalInput(Date.now()))
  const current = selection.mode === 'live' ? 'Live' : selection.label
  return (
    <div className="time-bar" role="group" aria-label="Time">
      <button
        type="button"
        aria-pressed={selection.mode === 'live'}
        className={selection.mode === 'live' ? 'live on' : 'live'}
        onClick={() => setSelection({ mode: 'live', windowMs: 15 * 60_000 })}
      >
        ● Live
      </button>
      {PRESETS.map((p) => (
        <button
          key={p.label}
          type="button"
          aria-pressed={current === p.label}
          onClick={() => {
            const end = currentSecond()
            setSelection({ mode: 'range', from: end - p.ms, to: end, label: p.label })
          }}
        >
          {p.label}
        </button>
      ))}
      <button type="button" aria-pressed={custom} onClick={() => setCustom((c) => !c)}>
        Custom…
      </button>
      {custom && (
        <form
          className="custom-range"
          onSubmit={(e) => {
            e.preventDefault()
            // datetime-local gives whole minutes: the engine answers at whole seconds only.
            const f = new Date(from).getTime()
            const t = new Date(to).getTime()
            if (f < t) setSelection({ mode: 'range', from: f, to: t, label: 'Custom' })
          }}
        >
          <label>
            From <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label>
            To <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
          <button type="submit">Apply</button>
        </form>
      )}
      <span className="zone" title="Times are shown in this zone">
        {zoneName()}
      </span>
    </div>
  )
}
