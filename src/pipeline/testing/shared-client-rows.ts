// Test helper: the clients' rows a view of shared memory holds (shared-clients.ts), as JSON rows in
// gold_clients' columns (CLIENT_COLUMNS), sorted: to hold them to the table's.
import type { ClientsView } from '../gold/shared-clients'

export const sharedRowsOf = (view: ClientsView): string[] =>
  Array.from({ length: view.slotCount }, (_, slot) => {
    const n = (column: Parameters<ClientsView['numberAt']>[1]) => {
      const value = view.numberAt(slot, column)
      return Number.isNaN(value) ? null : value
    }
    return JSON.stringify([
      view.clientAt(slot),
      n('plan_mbps'),
      n('plan_ts'),
      n('first_seen'),
      n('last_seen'),
      n('live_until'),
      n('window_bytes'),
      n('devices'),
      view.serverAt(slot, 'main_server'),
      n('main_bytes'),
      view.serverAt(slot, 'latest_server'),
    ])
  }).sort()
