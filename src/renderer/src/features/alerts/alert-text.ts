// How alerts read on screen: rule and state names, log entries, where a subject links to, and event times
// with the date once they are not from today.
import type { AlertDto, AlertLogEntry, AlertRuleName } from '../../../../shared/alerts'
import { hrefOf } from '../../app/router'
import { formatTime } from '../../lib/format'

export const RULE_LABELS: Record<AlertRuleName, string> = {
  'server-overloaded': 'Server overloaded',
  'upgrade-recommended': 'Upgrade recommended',
  'heavy-user': 'Heavy user',
}

export const STATE_LABELS: Record<AlertDto['state'], string> = {
  pending: 'Pending',
  firing: 'Firing',
  resolved: 'Resolved',
  cancelled: 'Cancelled',
}

const LOG_LABELS: Record<string, string> = {
  pending: 'Condition began (pending)',
  firing: 'Fired',
  resolved: 'Resolved',
  cancelled: 'Cancelled before firing',
  ack: 'Acknowledged',
  silence: 'Silenced',
  notified: 'Notification sent',
}

export const logLabel = (entry: AlertLogEntry): string => LOG_LABELS[entry.kind] ?? entry.kind

/** The choices of the Silence action, in minutes. */
export const SILENCE_CHOICES: readonly { minutes: number; label: string }[] = [
  { minutes: 15, label: '15 min' },
  { minutes: 60, label: '1 h' },
  { minutes: 240, label: '4 h' },
  { minutes: 1440, label: '24 h' },
]

/** The server an alert is about: its subject, or for a heavy user the server carrying most of its traffic. */
export function serverOf(alert: AlertDto): string | null {
  if (alert.rule !== 'heavy-user') return alert.subject
  const server = alert.details.server
  return typeof server === 'string' && server !== '' ? server : null
}

export const serverHref = (server: string): string => hrefOf({ page: 'server', server })

/** Times of the last 24 hours without their date, older ones (imported history) with it. */
export function formatWhen(ms: number, now = Date.now()): string {
  return formatTime(
    ms,
    Math.abs(now - ms) >= 86_400_000 || new Date(ms).getDate() !== new Date(now).getDate(),
  )
}

/** People act on pending and firing alerts only: the host refuses to acknowledge or silence the others. */
export function isActive(alert: AlertDto): boolean {
  return alert.state === 'pending' || alert.state === 'firing'
}

/** The end of a silence still running, or null once it has passed. */
export function silencedUntil(alert: AlertDto, now = Date.now()): number | null {
  return alert.silencedUntil !== null && alert.silencedUntil > now ? alert.silencedUntil : null
}
