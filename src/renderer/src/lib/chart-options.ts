// Pure builders of the ECharts options the overview and server pages draw, so every time chart reads the
// same way: local time on x, bit/s with SI prefixes or events per second on y, tooltips with the zone.
import type { DevicePair, DeviceTypeRow, HeavyClientsMetric } from '../../../shared/metrics'
import type { ChartOption } from '../hooks/useEChart'
import { formatBitRate, formatCount, formatShare, formatTime } from './format'

export type Point = [t: number, value: number]
export type Unit = 'bitrate' | 'perSecond' | 'count'

export interface Line {
  name: string
  points: Point[]
  color?: string
  /** Lines of one stack are drawn as areas on top of each other. */
  stack?: string
  /** Drawn below the axis (disconnects under connects), so that two busy lines do not hide each other. */
  mirror?: boolean
}

export const COLORS = {
  connects: '#3fb27f',
  disconnects: '#e5534b',
  down: '#4aa3ff',
  up: '#e8a33d',
  devices: '#a37cf0',
  provisioned: '#8b97a3',
  heavy: '#e5534b',
  warn: '#e8a33d',
  crit: '#e5534b',
}

const DAY_MS = 86_400_000

/** Tooltips are HTML: names come from ingested events, so they are escaped. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  )
}

/** Events per second: whole numbers from 100 up, two significant decimals below. */
export function formatRate(perSecond: number): string {
  if (Number.isInteger(perSecond) || perSecond >= 100) return formatCount(perSecond)
  return perSecond.toFixed(perSecond >= 10 ? 1 : 2)
}

export function formatValue(unit: Unit, value: number): string {
  if (unit === 'bitrate') return formatBitRate(value)
  if (unit === 'perSecond') return `${formatRate(value)}/s`
  return formatCount(value)
}

/** A bucket ends at t; a bucket wider than a second is shown as its span. */
function bucketLabel(t: number, stepMs: number, withDate: boolean): string {
  if (stepMs <= 1000) return formatTime(t, withDate)
  return `${formatTime(t - stepMs, withDate)} – ${formatTime(t, withDate)}`
}

interface AxisParam {
  marker?: string
  seriesName?: string
  value?: unknown
}

export function timeSeriesOption({
  from,
  to,
  stepMs,
  unit,
  lines,
  zoom = false,
  markLines = [],
}: {
  from: number
  to: number
  stepMs: number
  unit: Unit
  lines: Line[]
  /** Let the user zoom into the range (not in live mode, where the option is replaced every second). */
  zoom?: boolean
  markLines?: { name: string; value: number; color: string }[]
}): ChartOption {
  const withDate = to - from > DAY_MS
  const mirrored = lines.some((l) => l.mirror)
  const limits = markLines.map((m) => m.value * 1.05)
  // A mirrored axis is symmetric, so that above and below read at the same scale, from a round value with
  // a tick at its half.
  const half = niceCeil(lines.reduce((m, l) => l.points.reduce((n, [, v]) => Math.max(n, Math.abs(v)), m), 0))
  return {
    grid: { left: 72, right: 20, top: 36, bottom: zoom ? 56 : 28 },
    legend: { top: 0, type: 'scroll', data: lines.map((l) => l.name) },
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (params: AxisParam | AxisParam[]) => {
        const list = Array.isArray(params) ? params : [params]
        const first = list[0]?.value as Point | undefined
        if (!first) return ''
        const rows = list.map(
          (p) =>
            `${p.marker ?? ''}${escapeHtml(p.seriesName ?? '')}: <b>${formatValue(unit, Math.abs((p.value as Point)[1]))}</b>`,
        )
        if (lines.some((l) => l.stack) && list.length > 1) {
          const total = list.reduce((sum, p) => sum + (p.value as Point)[1], 0)
          rows.push(`Total: <b>${formatValue(unit, total)}</b>`)
        }
        return [escapeHtml(bucketLabel(first[0], stepMs, withDate)), ...rows].join('<br/>')
      },
    },
    xAxis: {
      type: 'time',
      min: from,
      max: to,
      axisLabel: { hideOverlap: true },
      // At the bottom, also when disconnects are drawn below zero.
      axisLine: { onZero: false },
    },
    yAxis: {
      type: 'value',
      min: mirrored ? -half : 0,
      interval: mirrored ? half / 2 : undefined,
      // Counts and bits come whole: no axis of 0.2 devices or 0.5 b/s.
      minInterval: unit === 'perSecond' ? undefined : 1,
      // Limits drawn as lines stay in view even above the data.
      max: mirrored
        ? half
        : limits.length > 0
          ? (e: { max: number }) => Math.max(e.max, ...limits)
          : undefined,
      axisLabel: {
        formatter: (v: number) => formatValue(unit, Math.abs(v)),
        showMaxLabel: limits.length === 0,
      },
    },
    dataZoom: zoom
      ? [
          { type: 'inside', filterMode: 'none' },
          { type: 'slider', height: 16, bottom: 8, filterMode: 'none', labelFormatter: '' },
        ]
      : [],
    series: lines.map((line, i) => ({
      type: 'line',
      name: line.name,
      data: line.mirror ? line.points.map(([t, v]) => [t, -v]) : line.points,
      showSymbol: false,
      sampling: 'lttb',
      color: line.color,
      stack: line.stack,
      areaStyle: line.stack ? { opacity: 0.35 } : undefined,
      lineStyle: { width: line.stack ? 1 : 1.5 },
      emphasis: { focus: 'series' },
      markLine:
        i === 0 && markLines.length > 0
          ? {
              silent: true,
              symbol: 'none',
              data: markLines.map((m) => ({
                name: m.name,
                yAxis: m.value,
                lineStyle: { color: m.color, type: 'dashed' },
                label: { formatter: m.name, position: 'insideEndTop', color: m.color },
              })),
            }
          : undefined,
    })),
  }
}

/** The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least x. */
export function niceCeil(x: number): number {
  if (!(x > 0)) return 1
  const power = 10 ** Math.floor(Math.log10(x))
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((v) => v >= x * (1 - 1e-9))!
}

/** Top device pairs as a Sankey: senders on the left, receivers on the right. Receivers get their own node
 * names (' (rx)'), because ECharts rejects a graph with a cycle and a -> b with b -> a would make one. */
export function pairsSankeyOption(pairs: DevicePair[]): ChartOption {
  const senders = new Set(pairs.map((p) => p.device))
  const receivers = new Set(pairs.map((p) => `${p.peer} (rx)`))
  return {
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p: {
        dataType?: string
        name?: string
        data?: { source?: string; target?: string; value?: number }
        value?: number
      }) =>
        p.dataType === 'edge'
          ? `${escapeHtml(p.data?.source ?? '')} → ${escapeHtml((p.data?.target ?? '').replace(/ \(rx\)$/, ''))}: <b>${formatBitRate(p.data?.value ?? 0)}</b>`
          : `${escapeHtml(p.name ?? '')}: <b>${formatBitRate(p.value ?? 0)}</b>`,
    },
    series: [
      {
        type: 'sankey',
        left: 150,
        right: 170,
        top: 8,
        bottom: 8,
        // Pairs come largest first; keeping that order keeps each pair's link level.
        layoutIterations: 0,
        nodeGap: 11,
        nodeWidth: 10,
        emphasis: { focus: 'adjacency' },
        lineStyle: { color: 'gradient', curveness: 0.5, opacity: 0.35 },
        label: { fontSize: 11 },
        data: [
          ...[...senders].map((name) => ({ name, label: { position: 'left' } })),
          ...[...receivers].map((name) => ({ name, label: { position: 'right' } })),
        ],
        links: pairs.map((p) => ({ source: p.device, target: `${p.peer} (rx)`, value: p.bps })),
      },
    ],
  }
}

const PLAN_CLASSES = [
  { key: 'high', label: 'High plan (> 100 Mb/s)', color: '#4aa3ff' },
  { key: 'medium', label: 'Medium plan (20–100 Mb/s)', color: '#3fb27f' },
  { key: 'low', label: 'Low plan (≤ 20 Mb/s)', color: '#8fbf5a' },
  { key: 'unknown', label: 'Unknown plan', color: '#8b97a3' },
] as const

/** Heavy-client share and the plan-class shares, each of the connected clients, as bars in percent. */
export function clientSharesOption(heavy: HeavyClientsMetric): ChartOption {
  const of = heavy.connectedClients
  const rows = [
    {
      label: `Heavy (≥ ${heavy.thresholdMbps} Mb/s)`,
      count: heavy.heavyClients,
      color: COLORS.heavy,
    },
    ...PLAN_CLASSES.map((c) => ({ label: c.label, count: heavy.planClasses[c.key], color: c.color })),
  ]
  const share = (count: number) => (of === 0 ? 0 : count / of)
  return {
    grid: { left: 170, right: 110, top: 8, bottom: 28 },
    tooltip: {
      trigger: 'item',
      formatter: (p: { dataIndex: number }) => {
        const row = rows[p.dataIndex]!
        return `${escapeHtml(row.label)}: <b>${formatShare(share(row.count))}</b><br/>${formatCount(row.count)} of ${formatCount(of)} connected clients`
      },
    },
    xAxis: { type: 'value', min: 0, max: 100, interval: 25, axisLabel: { formatter: '{value} %' } },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.label) },
    series: [
      {
        type: 'bar',
        barMaxWidth: 22,
        data: rows.map((r) => ({ value: share(r.count) * 100, itemStyle: { color: r.color } })),
        label: {
          show: true,
          position: 'right',
          formatter: (p: { dataIndex: number }) => {
            const row = rows[p.dataIndex]!
            return `${formatShare(share(row.count))} (${formatCount(row.count)})`
          },
        },
      },
    ],
  }
}

/** Throughput (10 s) and provisioned bandwidth per device type; they differ by orders of magnitude, so
 * each has its own axis, coloured like its bars. */
export function deviceTypesOption(rows: DeviceTypeRow[]): ChartOption {
  const axis = (name: string, color: string, position: 'left' | 'right') => ({
    type: 'value',
    name,
    position,
    min: 0,
    minInterval: 1,
    nameTextStyle: { color },
    axisLine: { show: true, lineStyle: { color } },
    axisLabel: { color, formatter: (v: number) => formatBitRate(v) },
    splitLine: { show: position === 'left' },
  })
  return {
    grid: { left: 72, right: 80, top: 44, bottom: 28 },
    legend: { top: 0 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: { dataIndex: number }[]) => {
        const row = rows[params[0]?.dataIndex ?? 0]
        if (!row) return ''
        return [
          `<b>${escapeHtml(row.deviceType)}</b>`,
          `Throughput (10 s): <b>${formatBitRate(row.bps)}</b>`,
          `Provisioned: <b>${formatBitRate(row.provisionedBps)}</b>`,
          `Connected devices: <b>${formatCount(row.connectedDevices)}</b>`,
        ].join('<br/>')
      },
    },
    xAxis: { type: 'category', data: rows.map((r) => r.deviceType), axisLabel: { interval: 0 } },
    yAxis: [axis('Throughput', COLORS.down, 'left'), axis('Provisioned', COLORS.provisioned, 'right')],
    series: [
      {
        type: 'bar',
        name: 'Throughput (10 s)',
        color: COLORS.down,
        yAxisIndex: 0,
        barMaxWidth: 28,
        data: rows.map((r) => r.bps),
      },
      {
        type: 'bar',
        name: 'Provisioned',
        color: COLORS.provisioned,
        yAxisIndex: 1,
        barMaxWidth: 28,
        data: rows.map((r) => r.provisionedBps),
      },
    ],
  }
}
