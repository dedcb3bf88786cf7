// Reading and acting on alerts: the list and its evidence for the UI (any connection), acknowledgement,
// silence and notification bookkeeping (the writer), each action logged with who, when and why.
import type { Db } from '../db/open'
import type { AlertDto, AlertLogEntry, AlertSample } from '../../shared/alerts'

interface AlertRowDb {
  id: number
  rule: AlertDto['rule']
  subject: string
  state: AlertDto['state']
  since: number
  fired_at: number | null
  resolved_at: number | null
  value: number
  summary: string
  details: string
  historical: number
  created_at: number
  acked_at: number | null
  acked_by: string | null
  ack_comment: string | null
  silenced_until: number | null
  notify_count: number
  last_notified_at: number | null
}

const toDto = (r: AlertRowDb): AlertDto => ({
  id: r.id,
  rule: r.rule,
  subject: r.subject,
  state: r.state,
  since: r.since,
  firedAt: r.fired_at,
  resolvedAt: r.resolved_at,
  value: r.value,
  summary: r.summary,
  details: JSON.parse(r.details) as Record<string, unknown>,
  historical: r.historical === 1,
  createdAt: r.created_at,
  ackedAt: r.acked_at,
  ackedBy: r.acked_by,
  ackComment: r.ack_comment,
  silencedUntil: r.silenced_until,
  notifyCount: r.notify_count,
  lastNotifiedAt: r.last_notified_at,
})

export function alertQueries(db: Db) {
  const active = db.prepare<[], AlertRowDb>(
    `SELECT * FROM alerts WHERE state IN ('pending', 'firing') ORDER BY state = 'firing' DESC, fired_at DESC, id DESC`,
  )
  const recent = db.prepare<[number], AlertRowDb>(
    `SELECT * FROM alerts WHERE state = 'resolved' ORDER BY id DESC LIMIT ?`,
  )
  const one = db.prepare<[number], AlertRowDb>('SELECT * FROM alerts WHERE id = ?')
  const log = db.prepare<[number], AlertLogEntry>(
    `SELECT at, event_time AS eventTime, kind, who, comment FROM alert_log WHERE alert_id = ? ORDER BY id`,
  )
  const samples = db.prepare<[string, number, number], AlertSample>(
    `SELECT minute * 60000 AS t, connection_util AS connectionUtilisation, throughput_util AS throughputUtilisation
     FROM alert_samples WHERE server = ? AND minute >= ? AND minute <= ? ORDER BY minute`,
  )
  return {
    /** Firing first, then pending, then the most recent resolved ones. */
    list: (recentLimit: number): AlertDto[] => [...active.all(), ...recent.all(recentLimit)].map(toDto),
    get: (id: number): AlertDto | undefined => {
      const row = one.get(id)
      return row ? toDto(row) : undefined
    },
    log: (id: number): AlertLogEntry[] => log.all(id),
    /** Utilisation around the alert: an hour before it began to an hour after it ended (or now). */
    evidence: (alert: AlertDto): AlertSample[] => {
      const server = alert.rule === 'heavy-user' ? (alert.details.server as string | null) : alert.subject
      if (!server) return []
      const from = Math.floor(alert.since / 60_000) - 60
      const to = Math.floor((alert.resolvedAt ?? Date.now()) / 60_000) + 60
      return samples.all(server, from, to)
    },
  }
}

export class AlertActions {
  private readonly ackStmt
  private readonly silenceStmt
  private readonly notifiedStmt
  private readonly logStmt

  constructor(private readonly db: Db) {
    this.ackStmt = db.prepare(
      `UPDATE alerts SET acked_at = ?, acked_by = ?, ack_comment = ? WHERE id = ? AND state IN ('pending', 'firing')`,
    )
    this.silenceStmt = db.prepare(
      `UPDATE alerts SET silenced_until = ? WHERE id = ? AND state IN ('pending', 'firing')`,
    )
    this.notifiedStmt = db.prepare(
      `UPDATE alerts SET notify_count = notify_count + 1, last_notified_at = ? WHERE id = ?`,
    )
    this.logStmt = db.prepare(
      'INSERT INTO alert_log (alert_id, at, event_time, kind, who, comment) VALUES (?, ?, NULL, ?, ?, ?)',
    )
  }

  /** Acknowledged: the alert stays until it resolves, but stops notifying. */
  ack(id: number, who: string, comment: string, now = Date.now()): boolean {
    return this.db.transaction(() => {
      const changed = this.ackStmt.run(now, who, comment, id).changes > 0
      if (changed) this.logStmt.run(id, now, 'ack', who, comment)
      return changed
    })()
  }

  silence(id: number, minutes: number, who: string, comment: string, now = Date.now()): boolean {
    return this.db.transaction(() => {
      const changed = this.silenceStmt.run(now + minutes * 60_000, id).changes > 0
      if (changed) this.logStmt.run(id, now, 'silence', who, `${minutes} min${comment ? `: ${comment}` : ''}`)
      return changed
    })()
  }

  notified(ids: readonly number[], now = Date.now()): void {
    this.db.transaction(() => {
      for (const id of ids) {
        this.notifiedStmt.run(now, id)
        this.logStmt.run(id, now, 'notified', null, null)
      }
    })()
  }
}
