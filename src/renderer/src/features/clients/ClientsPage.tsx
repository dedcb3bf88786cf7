// Heavy users: every client with its throughput over the last 5 minutes, sorted, filtered and paged by the
// engine, so the table stays smooth with 100,000 clients. Exports the same view as CSV.
import type { SortingState, Updater } from '@tanstack/react-table'
import { useMemo, useState } from 'react'
import { useApi } from '../../app/api-context'
import { useTime } from '../../app/time-context'
import { Panel } from '../../components/Panel'
import { formatCount, formatTime } from '../../lib/format'
import { isSortColumn } from './client-columns'
import { ClientFilters, NO_FILTERS, type ClientFilterValues } from './ClientFilters'
import type { ClientQuery } from './client-page-store'
import { ClientTable } from './ClientTable'
import { useClientPages } from './useClientPages'
import { useDebouncedValue } from './useDebouncedValue'
import './clients.css'

const DEFAULT_SORTING: SortingState = [{ id: 'bps', desc: true }]
const SEARCH_SETTLE_MS = 250
const mbps = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 })

export function ClientsPage() {
  const api = useApi()
  const { at, live } = useTime()
  const [filters, setFilters] = useState<ClientFilterValues>(NO_FILTERS)
  const [sorting, setSorting] = useState<SortingState>(DEFAULT_SORTING)
  const search = useDebouncedValue(filters.search.trim(), SEARCH_SETTLE_MS)

  const sort = sorting[0]
  const query = useMemo<ClientQuery>(
    () => ({
      sort:
        sort && isSortColumn(sort.id) ? { column: sort.id, desc: sort.desc } : { column: 'bps', desc: true },
      search,
      server: filters.server || undefined,
      planClass: filters.planClass || undefined,
      heavyOnly: filters.heavyOnly,
    }),
    [sort, search, filters.server, filters.planClass, filters.heavyOnly],
  )
  const { snapshot, setWanted, retry } = useClientPages(query, at, live)
  const { total, thresholdMbps } = snapshot

  // The full server list comes with the overview, which costs the engine a pass over every device: it is
  // asked for once, when the reader reaches for the server filter. Until then, the servers on screen.
  const [knownServers, setKnownServers] = useState<readonly string[]>()
  const [askedServers, setAskedServers] = useState(false)
  const loadServers = () => {
    if (askedServers) return
    setAskedServers(true)
    api.call('metrics:overview', { at }).then(
      (overview) => setKnownServers(overview.servers.map((s) => s.server)),
      () => setAskedServers(false),
    )
  }
  const servers = useMemo(() => {
    const names = new Set(knownServers)
    for (const page of snapshot.pages.values()) for (const r of page.rows) if (r.server) names.add(r.server)
    return [...names].sort()
  }, [knownServers, snapshot.pages])

  const [exporting, setExporting] = useState(false)
  const [exportError, setExportError] = useState<Error>()
  const exportCsv = async () => {
    setExporting(true)
    setExportError(undefined)
    try {
      // The T on screen, so the file holds the rows the reader sees.
      await api.exportClients({ ...query, at: snapshot.at ?? at })
    } catch (error) {
      setExportError(error instanceof Error ? error : new Error(String(error)))
    } finally {
      setExporting(false)
    }
  }

  const onSortingChange = (updater: Updater<SortingState>) =>
    setSorting((current) => (typeof updater === 'function' ? updater(current) : updater))
  const filtered = query.search !== '' || query.server || query.planClass || query.heavyOnly

  const summary = (
    <div className="clients-summary">
      <span data-testid="clients-count" data-count={total ?? ''} aria-live="polite">
        {total === undefined ? '…' : `${formatCount(total)} ${filtered ? 'matching ' : ''}clients`}
      </span>
      <span data-testid="clients-threshold" data-threshold={thresholdMbps ?? ''}>
        Heavy: ≥ {thresholdMbps === undefined ? '…' : `${mbps.format(thresholdMbps)} Mb/s`} over 5 min
      </span>
      {snapshot.at !== undefined && <span className="muted">as of {formatTime(snapshot.at)}</span>}
      {snapshot.error && (
        <button type="button" onClick={retry} data-testid="clients-retry">
          Retry
        </button>
      )}
      <button
        type="button"
        onClick={() => void exportCsv()}
        disabled={exporting || total === undefined}
        data-testid="clients-export"
      >
        {exporting ? 'Exporting…' : 'Export CSV'}
      </button>
    </div>
  )

  return (
    <div className="clients-page">
      <ClientFilters values={filters} onChange={setFilters} servers={servers} onServersWanted={loadServers} />
      <Panel
        title="Heavy users"
        id="clients"
        className="clients-panel"
        actions={summary}
        loading={total === undefined}
        error={total === undefined ? snapshot.error : undefined}
        empty={total === 0}
        emptyText={filtered ? 'No clients match these filters.' : 'No clients seen by this time.'}
      >
        {((snapshot.error && total !== undefined) || exportError) && (
          <p className="state-error inline-alert" role="alert">
            {snapshot.error && `Could not refresh: ${snapshot.error.message}. `}
            {exportError && `Could not export: ${exportError.message}.`}
          </p>
        )}
        <ClientTable
          snapshot={snapshot}
          total={total ?? 0}
          sorting={sorting}
          onSortingChange={onSortingChange}
          onRangeChange={setWanted}
        />
      </Panel>
    </div>
  )
}
