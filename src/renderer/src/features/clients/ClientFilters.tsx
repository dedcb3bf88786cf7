// What the heavy-user table shows: a search, a server, a plan class, heavy users only.
import { useId } from 'react'
import type { ClientRow } from '../../../../shared/api'
import { PLAN_CLASS_LABELS } from './client-columns'

export interface ClientFilterValues {
  search: string
  server: string
  planClass: ClientRow['planClass'] | ''
  heavyOnly: boolean
}

export const NO_FILTERS: ClientFilterValues = { search: '', server: '', planClass: '', heavyOnly: false }

const PLAN_CLASS_HINTS: Record<ClientRow['planClass'], string> = {
  low: '≤ 20 Mb/s',
  medium: '20–100 Mb/s',
  high: '> 100 Mb/s',
  unknown: 'no plan',
}

interface ClientFiltersProps {
  values: ClientFilterValues
  onChange: (values: ClientFilterValues) => void
  servers: readonly string[]
  /** The reader is about to pick a server: time to fetch the full list. */
  onServersWanted: () => void
}

export function ClientFilters({ values, onChange, servers, onServersWanted }: ClientFiltersProps) {
  const id = useId()
  const set = (patch: Partial<ClientFilterValues>) => onChange({ ...values, ...patch })
  // A server chosen earlier stays selectable even if it has left the list.
  const serverOptions =
    values.server && !servers.includes(values.server) ? [values.server, ...servers] : servers
  const filtered = values.search !== '' || values.server !== '' || values.planClass !== '' || values.heavyOnly
  return (
    <div className="client-filters" role="search" aria-label="Filter clients">
      <div className="filter">
        <label htmlFor={`${id}-search`}>Search</label>
        <input
          id={`${id}-search`}
          type="search"
          value={values.search}
          placeholder="Client or server"
          maxLength={200}
          onChange={(e) => set({ search: e.target.value })}
          data-testid="clients-search"
        />
      </div>
      <div className="filter">
        <label htmlFor={`${id}-server`}>Server</label>
        <select
          id={`${id}-server`}
          value={values.server}
          onChange={(e) => set({ server: e.target.value })}
          onFocus={onServersWanted}
          onPointerEnter={onServersWanted}
          data-testid="clients-server"
        >
          <option value="">All servers</option>
          {serverOptions.map((server) => (
            <option key={server} value={server}>
              {server}
            </option>
          ))}
        </select>
      </div>
      <div className="filter">
        <label htmlFor={`${id}-plan-class`}>Plan class</label>
        <select
          id={`${id}-plan-class`}
          value={values.planClass}
          onChange={(e) => set({ planClass: e.target.value as ClientFilterValues['planClass'] })}
          data-testid="clients-plan-class"
        >
          <option value="">All classes</option>
          {(Object.keys(PLAN_CLASS_LABELS) as ClientRow['planClass'][]).map((c) => (
            <option key={c} value={c}>
              {PLAN_CLASS_LABELS[c]} ({PLAN_CLASS_HINTS[c]})
            </option>
          ))}
        </select>
      </div>
      <button
        type="button"
        className="heavy-toggle"
        aria-pressed={values.heavyOnly}
        onClick={() => set({ heavyOnly: !values.heavyOnly })}
        data-testid="clients-heavy-only"
      >
        Heavy only
      </button>
      {filtered && (
        <button type="button" className="link-button" onClick={() => onChange(NO_FILTERS)}>
          Clear filters
        </button>
      )}
    </div>
  )
}
