// Fetches through the Api whenever its key changes (the live clock ticks, a filter changes), keeping the
// last good data on screen while the next one loads, so live charts never flash.
import { useEffect, useEffectEvent, useState } from 'react'

export interface QueryState<T> {
  data: T | undefined
  error: Error | undefined
  /** True until the data for the current key has arrived. */
  loading: boolean
}

export function useQuery<T>(key: string, fetcher: () => Promise<T>): QueryState<T> {
  const [state, setState] = useState<{ key: string | null; data: T | undefined; error: Error | undefined }>({
    key: null,
    data: undefined,
    error: undefined,
  })
  const run = useEffectEvent(fetcher)
  useEffect(() => {
    let cancelled = false
    run()
      .then((data) => !cancelled && setState({ key, data, error: undefined }))
      .catch((error: Error) => !cancelled && setState((s) => ({ key, data: s.data, error })))
    return () => {
      cancelled = true
    }
  }, [key])
  return { data: state.data, error: state.error, loading: state.key !== key && state.data === undefined }
}
