// The evidence chart of an alert: the server's connection and throughput utilisation minute by minute
// around it, with the overload raise and clear levels, and when the alert began, fired and resolved.
import type { AlertDto, AlertSample } from '../../../../shared/alerts'
import type { ChartOption } from '../../hooks/useEChart'

/** Readable on the dark and the light theme alike. */
export const EVIDENCE_COLORS = {
  connections: '#4aa3ff',
  throughput: '#b57cf2',
  raise: '#e5534b',
  clear: '#e8a33d',
  since: '#8b97a3',
  fired: '#e5534b',
  resolved: '#3fb27f',
}

export interface EvidenceInput {
  samples: readonly AlertSample[]
  alert: Pick<AlertDto, 'since' | 'firedAt' | 'resolvedAt' | 'state'>
  /** Overload levels in percent (settings.alerts); null while the settings load. */
  levels: { raisePct: number; clearPct: number } | null
  formatTime: (ms: number) => string
}

const pct = (share: number) => Math.round(share * 1000) / 10

export function evidenceOption({ samples, alert, levels, formatTime }: EvidenceInput): ChartOption {
  const timeLines = alertTimes(alert).map((m) => timeLine(m.t, m.label, m.color))
  const peak = Math.max(
    0,
    ...samples.map((s) => pct(Math.max(s.connectionUtilisation, s.throughputUtilisation))),
  )
  // Both level labels sit at the left, where no time line is drawn (evidence starts an hour before the
  // alert); when the data dwarfs the levels their lines almost meet, and one label names both.
  const squeezed = levels !== null && peak > 4 * levels.raisePct
  const levelLines = levels
    ? [
        levelLine(
          levels.raisePct,
          squeezed ? `raise ${levels.raisePct} % · clear ${levels.clearPct} %` : `raise ${levels.raisePct} %`,
          EVIDENCE_COLORS.raise,
          'insideStartTop',
        ),
        levelLine(
          levels.clearPct,
          squeezed ? '' : `clear ${levels.clearPct} %`,
          EVIDENCE_COLORS.clear,
          'insideStartBottom',
        ),
      ]
    : []
  return {
    grid: { left: 64, right: 32, top: 56, bottom: 32 },
    legend: { top: 0, data: ['Connections', 'Throughput'] },
    tooltip: {
      trigger: 'axis',
      formatter: (
        params: { axisValue: number; marker: string; seriesName: string; value: [number, number] }[],
      ) =>
        [
          formatTime(params[0]?.axisValue ?? 0),
          ...params.map((p) => `${p.marker}${p.seriesName}: ${p.value[1].toFixed(1)} %`),
        ].join('<br/>'),
    },
    xAxis: {
      type: 'time',
      min: samples[0]?.t,
      max: samples.at(-1)?.t,
      // Samples are per minute: no tick between two of them.
      minInterval: 60_000,
      axisLabel: { hideOverlap: true },
    },
    yAxis: {
      type: 'value',
      min: 0,
      // The raise level stays in sight when the server stayed below it; above it, ECharts picks a round top.
      max: levels && peak < levels.raisePct ? Math.ceil((levels.raisePct * 11) / 100) * 10 : undefined,
      axisLabel: { formatter: '{value} %' },
      name: 'of capacity',
      nameTextStyle: { align: 'left' },
    },
    series: [
      {
        name: 'Connections',
        type: 'line',
        showSymbol: samples.length < 60,
        color: EVIDENCE_COLORS.connections,
        data: samples.map((s) => [s.t, pct(s.connectionUtilisation)]),
        markLine: {
          symbol: 'none',
          silent: true,
          data: [...levelLines, ...timeLines],
        },
      },
      {
        name: 'Throughput',
        type: 'line',
        showSymbol: samples.length < 60,
        color: EVIDENCE_COLORS.throughput,
        data: samples.map((s) => [s.t, pct(s.throughputUtilisation)]),
      },
    ],
  }
}

function levelLine(value: number, label: string, color: string, position: string) {
  return {
    yAxis: value,
    lineStyle: { color, type: 'dashed', width: 1 },
    label: { show: label !== '', formatter: label, position, color },
  }
}

/** When the alert began, fired and ended; moments that coincide (no pending time) share one line. */
export function alertTimes(alert: EvidenceInput['alert']): { t: number; label: string; color: string }[] {
  const moments = [
    { t: alert.since, label: 'began', color: EVIDENCE_COLORS.since },
    alert.firedAt === null ? null : { t: alert.firedAt, label: 'fired', color: EVIDENCE_COLORS.fired },
    alert.resolvedAt === null
      ? null
      : {
          t: alert.resolvedAt,
          label: alert.state === 'cancelled' ? 'cancelled' : 'resolved',
          color: EVIDENCE_COLORS.resolved,
        },
  ].filter((m) => m !== null)
  const merged: typeof moments = []
  for (const m of moments) {
    const same = merged.find((other) => other.t === m.t)
    if (same) Object.assign(same, { label: `${same.label} and ${m.label}`, color: m.color })
    else merged.push({ ...m })
  }
  return merged
}

function timeLine(t: number, label: string, color: string) {
  return {
    xAxis: t,
    lineStyle: { color, type: 'solid', width: 1 },
    label: { formatter: label, position: 'insideEndTop', color },
  }
}
