import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { decodeParts, encodeParts, newParts, registerUsageParts, sumParts } from './usage-parts'

describe("a minute's usage parts", () => {
  it('keep every whole byte count up to 2^53, a byte for a second without bytes', () => {
    const parts = newParts()
    parts[0] = 1
    parts[7] = 127
    parts[8] = 128
    parts[30] = 123_456_789_012
    parts[59] = Number.MAX_SAFE_INTEGER
    const blob = encodeParts(parts)
    expect([...decodeParts(blob)]).toEqual([...parts])
    expect(encodeParts(newParts())).toHaveLength(60)
    expect(() => encodeParts(Float64Array.from({ length: 60 }, () => 0.5))).toThrow(/whole bytes/)
    // Anything but 60 varints is refused, not read as other numbers.
    expect(() => decodeParts(blob.subarray(0, blob.length - 1))).toThrow(/cut short/)
    expect(() => decodeParts(Buffer.concat([blob, Buffer.from([0])]))).toThrow(/more than 60/)
    expect(() => decodeParts(Buffer.alloc(480, 1))).toThrow(/more than 60/)
  })

  it('sum the seconds of a range inside their minute, and add up in SQL', () => {
    const parts = Float64Array.from({ length: 60 }, (_, i) => i + 1)
    const minute = 10 // seconds 541 to 600
    const blob = encodeParts(parts)
    expect(sumParts(blob, minute, 540, 600)).toBe((60 * 61) / 2)
    expect(sumParts(blob, minute, 545, 547)).toBe(6 + 7)
    expect(sumParts(blob, minute, 0, 540)).toBe(0)
    expect(sumParts(blob, minute, 600, 10_000)).toBe(0)
    const db = new Database(':memory:')
    registerUsageParts(db)
    const added = db.prepare('SELECT usage_parts_add(?, ?) AS p').pluck().get(blob, blob) as Buffer
    expect([...decodeParts(added)]).toEqual([...parts].map((v) => 2 * v))
    expect(db.prepare('SELECT usage_parts_sum(?, 10, 598.0, 600)').pluck().get(added)).toBe(2 * (59 + 60))
    db.close()
  })
})
