import { describe, expect, it } from 'vitest'
import { escapeHtml, formatRate, niceCeil, pairsSankeyOption } from './chart-options'

interface SankeySeries {
  data: { name: string }[]
  links: { source: string; target: string; value: number }[]
}

describe('pairsSankeyOption', () => {
  it('draws a -> b and b -> a without a cycle, receivers under their own names', () => {
    const option = pairsSankeyOption([
      { device: 'a', peer: 'b', bps: 10 },
      { device: 'b', peer: 'a', bps: 5 },
      { device: 'a', peer: 'c', bps: 1 },
    ])
    const [series] = option.series as SankeySeries[]
    const names = series!.data.map((n) => n.name)
    expect(new Set(names).size).toBe(names.length)
    expect(names).toEqual(['a', 'b', 'b (rx)', 'a (rx)', 'c (rx)'])
    // Every link goes from a sender to a receiver: the graph is bipartite, so it has no cycle.
    for (const link of series!.links) {
      expect(link.source).not.toMatch(/\(rx\)$/)
      expect(link.target).toMatch(/\(rx\)$/)
    }
  })
})

describe('escapeHtml', () => {
  it('escapes names that come from events before they reach a tooltip', () => {
    expect(escapeHtml('<img src=x onerror="alert(1)">&')).toBe(
      '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;',
    )
  })
})

describe('formatRate', () => {
  it('writes whole rates as counts and small ones with decimals', () => {
    expect(formatRate(0)).toBe('0')
    expect(formatRate(120)).toBe('120')
    expect(formatRate(0.25)).toBe('0.25')
    expect(formatRate(27.4)).toBe('27.4')
  })
})

describe('niceCeil', () => {
  it('rounds an axis end up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceCeil(0)).toBe(1)
    expect(niceCeil(4.6)).toBe(5)
    expect(niceCeil(5)).toBe(5)
    expect(niceCeil(0.13)).toBe(0.2)
    expect(niceCeil(2100)).toBe(2500)
  })
})
