// Which OS notifications to show now, without storms: a firing alert notifies once, then again with
// back-off (30 min, 1 h, 2 h, ... capped) until it is acknowledged or silenced; when many are due at once,
// one summary replaces them.

export interface NotifiableAlert {
  id: number
  title: string
  body: string
  /** Where a click takes the engineer, e.g. '#/servers/ap-03'. */
  target: string
  historical: boolean
  acked: boolean
  silencedUntil: number | null
  notifyCount: number
  lastNotifiedAt: number | null
}

export interface NotificationPolicy {
  firstRepeatMs: number
  maxRepeatMs: number
  /** More than this many due at once become one summary. */
  groupAbove: number
}

export const DEFAULT_POLICY: NotificationPolicy = {
  firstRepeatMs: 30 * 60_000,
  maxRepeatMs: 4 * 3_600_000,
  groupAbove: 3,
}

export interface PlannedNotification {
  title: string
  body: string
  target: string
  alertIds: number[]
}

/** The wait before the next notification of an alert already notified `count` times. */
export function repeatAfter(count: number, policy: NotificationPolicy = DEFAULT_POLICY): number {
  return Math.min(policy.firstRepeatMs * 2 ** Math.max(0, count - 1), policy.maxRepeatMs)
}

export function isDue(
  alert: NotifiableAlert,
  now: number,
  policy: NotificationPolicy = DEFAULT_POLICY,
): boolean {
  if (alert.historical || alert.acked) return false
  if (alert.silencedUntil !== null && alert.silencedUntil > now) return false
  if (alert.lastNotifiedAt === null) return true
  return now - alert.lastNotifiedAt >= repeatAfter(alert.notifyCount, policy)
}

export function planNotifications(
  alerts: readonly NotifiableAlert[],
  now: number,
  policy: NotificationPolicy = DEFAULT_POLICY,
): PlannedNotification[] {
  const due = alerts.filter((a) => isDue(a, now, policy))
  if (due.length === 0) return []
  if (due.length > policy.groupAbove) {
    return [
      {
        title: `Vigia: ${due.length} alerts need attention`,
        body:
          due
            .slice(0, 5)
            .map((a) => a.title)
            .join('\n') + (due.length > 5 ? `\n… and ${due.length - 5} more` : ''),
        target: '#/alerts',
        alertIds: due.map((a) => a.id),
      },
    ]
  }
  return due.map((a) => ({ title: a.title, body: a.body, target: a.target, alertIds: [a.id] }))
}
