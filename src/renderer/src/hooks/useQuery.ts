// Fetches through the Api whenever its key changes (the live clock ticks, a filter changes), keeping the
// last good data on screen while the next one loads, so live charts never flash. An answer that arrives
// late is still shown unless a newer one is already on screen: a slow query never leaves "Loading…".
import { useEffect, useEffectEvent, useRef, useState } from 'react'

export interface QueryState<T> {
  data: T | undefined
  error: Error | undefined
  /** True until the first answer has arrived. */
  loading: boolean
}

export function useQuery<T>(key: string, fetcher: () => Promise<T>): QueryState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | undefined; answered: boolean }>({
    data: undefined,
    error: undefined,
    answered: false,
  })
  const sent = useRef(0)
  const shown = useRef(0)
  const mounted = useRef(true)
  const run = useEffectEvent(fetcher)
  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
    }
  }, [])
  useEffect(() => {
    const seq = ++sent.current
    const apply = (next: { data?: T; error?: Error }) => {
      if (!mounted.current || seq < shown.current) return
      shown.current = seq
      setState((s) => ({ data: 'data' in next ? next.data : s.data, error: next.error, answered: true }))
    }
    run().then(
      (data) => apply({ data }),
      (error: Error) => apply({ error }),
    )
  }, [key])
  return { data: state.data, error: state.error, loading: !state.answered }
}
