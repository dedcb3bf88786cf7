import { describe, expect, it } from 'vitest'
import { parseInventory } from '../pipeline/inventory'
import type { ServerInventoryRow } from '../shared/alerts'
import { formatInventoryCsv, formatInventoryTable } from './format-inventory'

const ROWS: ServerInventoryRow[] = [
  { server: 'ap-1', name: 'Centro', region: 'Sul', maxConnections: 2000, capacityMbps: 10000 },
  { server: 'bng-01', name: 'BNG, Porto', region: null, maxConnections: 30000, capacityMbps: 2500 },
]

describe('formatting the server inventory', () => {
  it('prints an aligned table with the numbers right-aligned and the capacity in bit/s', () => {
    expect(formatInventoryTable(ROWS).split('\n')).toEqual([
      'server  name        region  max connections   capacity',
      'ap-1    Centro      Sul                2000  10.0 Gb/s',
      'bng-01  BNG, Porto                    30000  2.50 Gb/s',
    ])
  })

  it('says so when the inventory is empty', () => {
    expect(formatInventoryTable([])).toBe('the inventory is empty')
  })

  it('prints CSV that the inventory import reads back as the same rows', () => {
    const csv = formatInventoryCsv(ROWS)
    expect(csv.split('\n')[0]).toBe('server,name,region,max_connections,capacity_mbps')
    expect(parseInventory(csv)).toEqual({ rows: ROWS, errors: [] })
  })
})
