// The five answers at T as headline figures, each with how it moved since the minute before.
import type { Overview } from '../../../../shared/api'
import { Figure } from '../../components/Panel'
import { formatBitRate, formatCount, formatIdleTimeout, formatShare, usageSpan } from '../../lib/format'
import { formatRate } from '../../lib/chart-options'
import { count, points, trend } from '../../lib/trend'

const perSecond = (events: number) => events / 60

export function OverviewFigures({ now, previous }: { now: Overview; previous: Overview | null }) {
  const { connections: c, throughput: tp, heavyClients: hc, distinctDevices: dd } = now
  // A figure a minute before, undefined while those figures are asked.
  const before = <T,>(figure: (o: Overview) => T): T | undefined => (previous ? figure(previous) : undefined)
  const rate = (delta: number) => `${formatRate(delta)}/s`
  const top = now.topPairs[0]
  return (
    <div className="figures ov-figures" data-testid="overview-figures" data-at={now.at}>
      <Figure
        testId="figure-connects"
        label="Connects / s (last 60 s)"
        value={`${formatRate(perSecond(c.last60s.connects))}/s`}
        detail={`${formatCount(c.last60s.connects)} in 60 s · ${trend(
          perSecond(c.last60s.connects),
          before((o) => perSecond(o.connections.last60s.connects)),
          rate,
        )}`}
      />
      <Figure
        testId="figure-disconnects"
        label="Disconnects / s (last 60 s)"
        value={`${formatRate(perSecond(c.last60s.disconnects))}/s`}
        detail={`${formatCount(c.last60s.disconnects)} in 60 s · ${trend(
          perSecond(c.last60s.disconnects),
          before((o) => perSecond(o.connections.last60s.disconnects)),
          rate,
        )}`}
      />
      <Figure
        testId="figure-connected"
        label="Connected devices"
        value={formatCount(c.connectedDevices)}
        detail={`${formatIdleTimeout(c.idleTimeoutMin)} · ${trend(
          c.connectedDevices,
          before((o) => o.connections.connectedDevices),
          count,
        )}`}
      />
      <Figure
        testId="figure-distinct"
        label={`Devices with a connect in ${dd.windowMin} min`}
        value={formatCount(dd.count)}
        detail={trend(
          dd.count,
          before((o) => o.distinctDevices.count),
          count,
        )}
      />
      <Figure
        testId="figure-throughput"
        label={`Throughput (${usageSpan(now, '10 s')})`}
        value={formatBitRate(tp.totalBps)}
        detail={`↓ ${formatBitRate(tp.downBps)} ↑ ${formatBitRate(tp.upBps)} · ${trend(
          tp.totalBps,
          before((o) => o.throughput.totalBps),
          formatBitRate,
        )}`}
      />
      <Figure
        testId="figure-provisioned"
        label="Provisioned (plans of connected devices)"
        value={formatBitRate(tp.provisionedBps)}
        detail={`${formatShare(tp.provisionedBps > 0 ? tp.totalBps / tp.provisionedBps : null)} in use · ${trend(
          tp.provisionedBps,
          before((o) => o.throughput.provisionedBps),
          formatBitRate,
        )}`}
      />
      <Figure
        testId="figure-heavy-share"
        label={`Heavy clients (≥ ${hc.thresholdMbps} Mb/s over 5 min)`}
        value={formatShare(hc.heavyShare)}
        detail={`${formatCount(hc.heavyClients)} of ${formatCount(hc.connectedClients)} clients · ${trend(
          hc.heavyShare,
          before((o) => o.heavyClients.heavyShare),
          points,
        )}`}
      />
      <Figure
        testId="figure-high-plan-share"
        label="Clients on high plans (> 100 Mb/s)"
        value={formatShare(hc.highPlanShare)}
        detail={`${formatCount(hc.planClasses.high)} of ${formatCount(hc.connectedClients)} clients · ${trend(
          hc.highPlanShare,
          before((o) => o.heavyClients.highPlanShare),
          points,
        )}`}
      />
      <Figure
        testId="figure-top-pair"
        label="Top device pair (last 60 s)"
        value={top ? formatBitRate(top.bps) : '–'}
        detail={top ? `${top.device} → ${top.peer}` : 'no flows in the last 60 s'}
      />
    </div>
  )
}
