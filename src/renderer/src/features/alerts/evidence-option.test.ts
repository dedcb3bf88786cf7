import { describe, expect, it } from 'vitest'
import { alertTimes, evidenceOption } from './evidence-option'

const MINUTE = 60_000
const samples = [0, 1, 2].map((i) => ({
  t: 100 * MINUTE + i * MINUTE,
  connectionUtilisation: 0.5,
  throughputUtilisation: 0.8 + i * 0.1,
}))

interface Series {
  name: string
  data: [number, number][]
  markLine?: { data: Record<string, unknown>[] }
}

describe('evidence chart', () => {
  it('draws both utilisations in percent with the raise and clear levels and the alert times', () => {
    const option = evidenceOption({
      samples,
      alert: { since: 101 * MINUTE, firedAt: 101 * MINUTE, resolvedAt: null, state: 'firing' },
      levels: { raisePct: 85, clearPct: 75 },
      formatTime: String,
    }) as { series: Series[]; yAxis: { max?: number } }
    expect(option.series.map((s) => s.name)).toEqual(['Connections', 'Throughput'])
    expect(option.series[1]!.data).toEqual([
      [100 * MINUTE, 80],
      [101 * MINUTE, 90],
      [102 * MINUTE, 100],
    ])
    const marks = option.series[0]!.markLine!.data
    expect(marks.filter((m) => 'yAxis' in m).map((m) => m.yAxis)).toEqual([85, 75])
    // No pending time: it began and fired in the same minute, drawn as one line.
    expect(marks.filter((m) => 'xAxis' in m).map((m) => m.xAxis)).toEqual([101 * MINUTE])
    expect(option.yAxis.max).toBeUndefined()
  })

  it('marks when the alert began, fired and resolved', () => {
    expect(
      alertTimes({ since: 1, firedAt: 5, resolvedAt: 9, state: 'resolved' }).map((m) => [m.t, m.label]),
    ).toEqual([
      [1, 'began'],
      [5, 'fired'],
      [9, 'resolved'],
    ])
    expect(
      alertTimes({ since: 1, firedAt: null, resolvedAt: 3, state: 'cancelled' }).map((m) => m.label),
    ).toEqual(['began', 'cancelled'])
  })

  it('keeps the raise level in sight when the server stayed far below it', () => {
    const quiet = samples.map((s) => ({ ...s, connectionUtilisation: 0.01, throughputUtilisation: 0.02 }))
    const option = evidenceOption({
      samples: quiet,
      alert: { since: 0, firedAt: null, resolvedAt: 1, state: 'resolved' },
      levels: { raisePct: 85, clearPct: 75 },
      formatTime: String,
    }) as { yAxis: { max: number } }
    expect(option.yAxis.max).toBe(100)
  })

  it('names both levels in one label when the data dwarfs them', () => {
    const huge = samples.map((s) => ({ ...s, throughputUtilisation: 300 }))
    const option = evidenceOption({
      samples: huge,
      alert: { since: 101 * MINUTE, firedAt: 101 * MINUTE, resolvedAt: null, state: 'firing' },
      levels: { raisePct: 85, clearPct: 75 },
      formatTime: String,
    }) as { series: Series[] }
    const labels = option.series[0]!.markLine!.data.filter((m) => 'yAxis' in m).map((m) => m.label)
    expect(labels).toMatchObject([{ show: true, formatter: 'raise 85 % · clear 75 %' }, { show: false }])
  })
})
