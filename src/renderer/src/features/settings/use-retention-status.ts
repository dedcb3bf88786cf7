// What retention keeps and what its next pass would delete, read again every minute (the pass runs hourly).
import { useCallback, useEffect, useState } from 'react'
import type { RetentionStatus } from '../../../../shared/api'
import { useApi } from '../../app/api-context'

const EVERY_MS = 60_000

export function useRetentionStatus() {
  const api = useApi()
  const [status, setStatus] = useState<RetentionStatus>()
  const [error, setError] = useState<Error>()
  const reload = useCallback(
    () =>
      api.call('retention:status', {}).then(
        (next) => {
          setStatus(next)
          setError(undefined)
        },
        (e: Error) => setError(e),
      ),
    [api],
  )
  useEffect(() => {
    void reload()
    const timer = setInterval(() => void reload(), EVERY_MS)
    return () => clearInterval(timer)
  }, [reload])
  return { status, error, loading: status === undefined && error === undefined }
}
