// Quarantined records, newest first, a page at a time: the first page is read again whenever `refreshKey`
// changes, and "load more" appends the page before the last row shown.
import { useState } from 'react'
import type { QuarantineRow } from '../../../../shared/api'
import { useApi } from '../../app/api-context'
import { useQuery } from '../../hooks/useQuery'

export const QUARANTINE_PAGE = 100

interface Older {
  /** The first page these rows follow: a new first page drops them. */
  after: QuarantineRow[] | undefined
  rows: QuarantineRow[]
  lastPageFull: boolean
}

export interface QuarantineState {
  rows: QuarantineRow[]
  loading: boolean
  error: Error | undefined
  hasMore: boolean
  loadingMore: boolean
  loadMore: () => void
}

export function useQuarantine(refreshKey: string): QuarantineState {
  const api = useApi()
  const first = useQuery(`quarantine|${refreshKey}`, () =>
    api.call('quarantine:list', { limit: QUARANTINE_PAGE }),
  )
  const [older, setOlder] = useState<Older>({ after: undefined, rows: [], lastPageFull: false })
  const [loadingMore, setLoadingMore] = useState(false)
  const [moreError, setMoreError] = useState<Error>()

  const current = older.after === first.data && first.data !== undefined ? older : null
  const rows = [...(first.data ?? []), ...(current?.rows ?? [])]
  const hasMore = current ? current.lastPageFull : (first.data?.length ?? 0) === QUARANTINE_PAGE

  const loadMore = () => {
    const base = first.data
    const last = rows.at(-1)
    if (!base || !last || loadingMore) return
    setLoadingMore(true)
    setMoreError(undefined)
    api
      .call('quarantine:list', { beforeId: last.id, limit: QUARANTINE_PAGE })
      .then((page) =>
        setOlder({
          after: base,
          rows: [...(current?.rows ?? []), ...page],
          lastPageFull: page.length === QUARANTINE_PAGE,
        }),
      )
      .catch((e: Error) => setMoreError(e))
      .finally(() => setLoadingMore(false))
  }

  return { rows, loading: first.loading, error: first.error ?? moreError, hasMore, loadingMore, loadMore }
}
