// Alerts as the UI sees them (docs/alerts.md).

export type AlertRuleName = 'server-overloaded' | 'upgrade-recommended' | 'heavy-user'

export interface AlertDto {
  id: number
  rule: AlertRuleName
  /** A server id, or a client id for heavy-user. */
  subject: string
  state: 'pending' | 'firing' | 'resolved' | 'cancelled'
  /** Event time the condition began. */
  since: number
  firedAt: number | null
  resolvedAt: number | null
  value: number
  summary: string
  details: Record<string, unknown>
  /** Produced by imported history: shown, never notified. */
  historical: boolean
  createdAt: number
  ackedAt: number | null
  ackedBy: string | null
  ackComment: string | null
  silencedUntil: number | null
  notifyCount: number
  lastNotifiedAt: number | null
}

export interface AlertLogEntry {
  at: number
  eventTime: number | null
  kind: string
  who: string | null
  comment: string | null
}

export interface AlertSample {
  t: number
  connectionUtilisation: number
  throughputUtilisation: number
}

export interface ServerInventoryRow {
  server: string
  name: string | null
  region: string | null
  maxConnections: number
  capacityMbps: number
}
