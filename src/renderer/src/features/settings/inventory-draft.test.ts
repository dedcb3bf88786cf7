import { describe, expect, it } from 'vitest'
import { draftOfRow, EMPTY_DRAFT, rowOf, validateRow } from './inventory-draft'

describe('inventory draft', () => {
  it('names every missing or wrong field of a new row', () => {
    expect(validateRow({ ...EMPTY_DRAFT, maxConnections: '1.5', capacityMbps: '-3' }, new Set())).toEqual({
      server: 'Enter the server id used in events.',
      maxConnections: 'A whole number above 0.',
      capacityMbps: 'Must be above 0.',
    })
  })

  it('refuses a new row whose server is already listed, but not the row being edited', () => {
    const draft = draftOfRow({
      server: 'ap-01',
      name: null,
      region: null,
      maxConnections: 10,
      capacityMbps: 100,
    })
    expect(validateRow(draft, new Set(['ap-01'])).server).toBe(
      'ap-01 is already in the inventory: edit it instead.',
    )
    expect(validateRow(draft, null)).toEqual({})
  })

  it('trims the row and saves blank name and region as none', () => {
    const draft = { server: ' ap-02 ', name: ' ', region: 'RS', maxConnections: '2000', capacityMbps: '0.5' }
    expect(rowOf(draft)).toEqual({
      server: 'ap-02',
      name: null,
      region: 'RS',
      maxConnections: 2000,
      capacityMbps: 0.5,
    })
  })
})
