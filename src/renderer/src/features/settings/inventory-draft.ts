// A server inventory row as typed in the table, checked with the same limits as the host's
// `inventory:upsert` before it is sent.
import type { ServerInventoryRow } from '../../../../shared/alerts'
import { parseNumber } from './threshold-fields'

export interface InventoryDraft {
  server: string
  name: string
  region: string
  maxConnections: string
  capacityMbps: string
}

export type InventoryErrors = Partial<Record<keyof InventoryDraft, string>>

export const EMPTY_DRAFT: InventoryDraft = {
  server: '',
  name: '',
  region: '',
  maxConnections: '',
  capacityMbps: '',
}

export function draftOfRow(row: ServerInventoryRow): InventoryDraft {
  return {
    server: row.server,
    name: row.name ?? '',
    region: row.region ?? '',
    maxConnections: String(row.maxConnections),
    capacityMbps: String(row.capacityMbps),
  }
}

/** `existing` are the servers already listed: a new row must not take one of their ids. */
export function validateRow(draft: InventoryDraft, existing: ReadonlySet<string> | null): InventoryErrors {
  const errors: InventoryErrors = {}
  const server = draft.server.trim()
  if (server === '') errors.server = 'Enter the server id used in events.'
  else if (server.length > 200) errors.server = 'At most 200 characters.'
  else if (existing?.has(server)) errors.server = `${server} is already in the inventory: edit it instead.`
  if (draft.name.length > 200) errors.name = 'At most 200 characters.'
  if (draft.region.length > 200) errors.region = 'At most 200 characters.'
  const max = parseNumber(draft.maxConnections)
  if (max === null) errors.maxConnections = 'Enter a number.'
  else if (!Number.isInteger(max) || max <= 0) errors.maxConnections = 'A whole number above 0.'
  const capacity = parseNumber(draft.capacityMbps)
  if (capacity === null) errors.capacityMbps = 'Enter a number.'
  else if (capacity <= 0) errors.capacityMbps = 'Must be above 0.'
  return errors
}

/** The upsert arguments of a valid draft; blank name and region are saved as none. */
export function rowOf(draft: InventoryDraft): ServerInventoryRow {
  return {
    server: draft.server.trim(),
    name: draft.name.trim() || null,
    region: draft.region.trim() || null,
    maxConnections: parseNumber(draft.maxConnections)!,
    capacityMbps: parseNumber(draft.capacityMbps)!,
  }
}
