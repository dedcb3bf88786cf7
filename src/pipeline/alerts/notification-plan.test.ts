import { describe, expect, it } from 'vitest'
import { planNotifications, repeatAfter, type NotifiableAlert } from './notification-plan'

const MIN = 60_000
const alert = (id: number, over: Partial<NotifiableAlert> = {}): NotifiableAlert => ({
  id,
  title: `Server ap-0${id} overloaded`,
  body: 'throughput at 92 % of capacity',
  target: `#/servers/ap-0${id}`,
  historical: false,
  acked: false,
  silencedUntil: null,
  notifyCount: 0,
  lastNotifiedAt: null,
  ...over,
})

describe('notifications without storms', () => {
  it('repeats with back-off 30 min, 1 h, 2 h, capped at 4 h', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => repeatAfter(n) / MIN)).toEqual([30, 60, 120, 240, 240, 240])
  })

  it('notifies a new alert at once, then again only when its back-off has passed', () => {
    expect(planNotifications([alert(1)], 0)).toHaveLength(1)
    const once = alert(1, { notifyCount: 1, lastNotifiedAt: 0 })
    expect(planNotifications([once], 29 * MIN)).toHaveLength(0)
    expect(planNotifications([once], 30 * MIN)).toHaveLength(1)
    const twice = alert(1, { notifyCount: 2, lastNotifiedAt: 30 * MIN })
    expect(planNotifications([twice], 89 * MIN)).toHaveLength(0)
    expect(planNotifications([twice], 90 * MIN)).toHaveLength(1)
  })

  it('stops repeating once acknowledged, while silenced, and never for historical alerts', () => {
    expect(planNotifications([alert(1, { acked: true })], 0)).toEqual([])
    expect(planNotifications([alert(1, { silencedUntil: 10 * MIN })], 5 * MIN)).toEqual([])
    expect(planNotifications([alert(1, { silencedUntil: 10 * MIN })], 10 * MIN)).toHaveLength(1)
    expect(planNotifications([alert(1, { historical: true })], 0)).toEqual([])
  })

  it('sends one summary instead of a storm when many fire together', () => {
    const plan = planNotifications(
      [1, 2, 3, 4, 5, 6, 7].map((id) => alert(id)),
      0,
    )
    expect(plan).toHaveLength(1)
    expect(plan[0]).toMatchObject({ title: 'Vigia: 7 alerts need attention', target: '#/alerts' })
    expect(plan[0]!.alertIds).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(plan[0]!.body).toContain('… and 2 more')
    expect(
      planNotifications(
        [1, 2, 3].map((id) => alert(id)),
        0,
      ),
    ).toHaveLength(3)
  })
})
