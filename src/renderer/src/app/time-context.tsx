// The time every chart and table follows: "Live" (now, refreshed every second) or a fixed range.
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { currentSecond } from '../../../shared/instant'

export type TimeSelection =
  { mode: 'live'; windowMs: number } | { mode: 'range'; from: number; to: number; label: string }

export interface TimeState {
  selection: TimeSelection
  setSelection: (selection: TimeSelection) => void
  /** The T of the figures: now (live) or the end of the range; a whole second, as the engine answers. */
  at: number
  /** The span the charts show. */
  from: number
  to: number
  live: boolean
}

const TimeContext = createContext<TimeState | null>(null)
const LIVE_REFRESH_MS = 1000

export function TimeProvider({ children }: { children: ReactNode }) {
  const [selection, setSelection] = useState<TimeSelection>({ mode: 'live', windowMs: 15 * 60_000 })
  const [now, setNow] = useState(() => currentSecond())
  useEffect(() => {
    if (selection.mode !== 'live') return
    const timer = setInterval(() => setNow(currentSecond()), LIVE_REFRESH_MS)
    return () => clearInterval(timer)
  }, [selection.mode])
  const value = useMemo<TimeState>(() => {
    if (selection.mode === 'live') {
      return { selection, setSelection, at: now, from: now - selection.windowMs, to: now, live: true }
    }
    return { selection, setSelection, at: selection.to, from: selection.from, to: selection.to, live: false }
  }, [selection, now])
  return <TimeContext.Provider value={value}>{children}</TimeContext.Provider>
}

export function useTime(): TimeState {
  const time = useContext(TimeContext)
  if (!time) throw new Error('useTime outside TimeProvider')
  return time
}
