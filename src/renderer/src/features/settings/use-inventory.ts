// The server inventory as listed by the host, replaced by the host's own answer after every change.
import { useCallback, useEffect, useState } from 'react'
import type { ServerInventoryRow } from '../../../../shared/alerts'
import { useApi } from '../../app/api-context'

export function useInventory() {
  const api = useApi()
  const [rows, setRows] = useState<ServerInventoryRow[]>()
  const [error, setError] = useState<Error>()
  const reload = useCallback(
    () =>
      api.call('inventory:list', {}).then(
        (next) => {
          setRows(next)
          setError(undefined)
        },
        (e: Error) => setError(e),
      ),
    [api],
  )
  useEffect(() => {
    void reload()
  }, [reload])
  return { rows, error, loading: rows === undefined && error === undefined, setRows, reload }
}
