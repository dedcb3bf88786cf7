import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from './db/open'
import { deleteInventory, listInventory, parseInventory, upsertInventory } from './inventory'
import { tempDir } from './testing/temp-db'

describe('the server inventory', () => {
  let dir: ReturnType<typeof tempDir>
  let db: Db
  beforeEach(() => {
    dir = tempDir()
    db = openDb(dir.path('vigia.db'))
  })
  afterEach(() => {
    db.close()
    dir.remove()
  })

  it('reads CSV with either column spelling, and saves, updates and deletes rows', () => {
    const { rows, errors } = parseInventory(
      'server,name,region,max_connections,capacity_mbps\nap-1,Centro,Sul,2000,10000\nap-2,,,500,1000\n',
    )
    expect(errors).toEqual([])
    upsertInventory(db, rows)
    upsertInventory(db, [{ ...rows[1]!, capacityMbps: 2500 }])
    expect(listInventory(db)).toEqual([
      { server: 'ap-1', name: 'Centro', region: 'Sul', maxConnections: 2000, capacityMbps: 10000 },
      { server: 'ap-2', name: null, region: null, maxConnections: 500, capacityMbps: 2500 },
    ])
    expect(deleteInventory(db, 'ap-1')).toBe(true)
    expect(listInventory(db).map((r) => r.server)).toEqual(['ap-2'])
  })

  it('reads a JSON array, and names the row and field of each bad one', () => {
    const json = JSON.stringify([
      { server: 'ap-1', maxConnections: 100, capacityMbps: 1000 },
      { server: 'ap-2', maxConnections: 0, capacityMbps: 1000 },
      { server: '', maxConnections: 1, capacityMbps: 1 },
    ])
    const { rows, errors } = parseInventory(json)
    expect(rows).toHaveLength(1)
    expect(errors).toEqual([
      'element 2: maxConnections must be above 0',
      'element 3: server must not be empty',
    ])
    expect(parseInventory('server,max_connections,capacity_mbps\nap-9,lots,10').errors).toEqual([
      'line 2: maxConnections must be a number',
    ])
  })

  it('names the expected and the found columns of a CSV header it cannot read, and reads no row', () => {
    const expected =
      'line 1: expected the columns server, name, region, max_connections|maxConnections, capacity_mbps|capacityMbps (name and region may be left out)'
    expect(parseInventory('host,conns,mbps\nap-1,2000,10000\nap-2,1,1\n')).toEqual({
      rows: [],
      errors: [`${expected}; found host, conns, mbps`],
    })
    expect(parseInventory('server,conns,capacityMbps\n').errors).toEqual([
      `${expected}; found server, conns, capacityMbps`,
    ])
    expect(parseInventory('server,maxConnections,capacityMbps,notes\nap-1,10,100,new\n').errors).toEqual([])
  })
})
