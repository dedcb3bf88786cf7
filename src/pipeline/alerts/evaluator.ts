// Runs the alert rules minute by minute in event time, from the last evaluated minute up to the newest
// event: live traffic is judged as it arrives, and imported history produces the alerts it would have
// produced then (marked historical, never notified). Runs in the engine, which owns the writes.
import type { Db } from '../db/open'
import { connectedGroupsQuery, idleMsOf } from '../metrics/connected-devices'
import { clientUsageQuery } from '../metrics/client-usage'
import { HEAVY_WINDOW_S } from '../metrics/heavy-clients'
import { serverBytesQuery, serverUtilisationMetric } from '../metrics/server-utilisation'
import { everyType } from '../silver/event-time'
import type { PipelineSettings } from '../../shared/settings'
import type { Watermarks } from '../watermarks'
import { OK, step, type HysteresisRule, type Phase, type Transition } from './hysteresis'
import { daysToSaturation } from './trend'

export type AlertRule = 'server-overloaded' | 'upgrade-recommended' | 'heavy-user'

const MINUTE = 60_000
const DAY = 86_400_000
/** Time one call may take: a long import's history is caught up over several calls, never blocking ingestion. */
const DEFAULT_BUDGET_MS = 100
// A live feed's minute is judged in the flush that first crosses it, with up to a flush of events after T.
// Taking those back from silver onto the live state costs about 5 µs an event at 10 million events (51-57 ms
// for 9,980), the connected devices for any T 130-170 ms there: the live state up to 20,000 events.
const JUDGE_RECENT_EVENTS = 20_000
/** Alerts for event times older than this (wall clock) are history: shown, never notified. */
export const HISTORICAL_AFTER_MS = 15 * MINUTE
/**
 * A minute is judged once events a minute past its end have arrived: a usage sample covers the time before
 * it (docs/metrics.md, "Usage samples"), so the bytes of a minute's last seconds come with the reports of
 * the minute after it. Judged at its end, a minute would miss about half of its last minute's bytes.
 */
export const SETTLE_MS = MINUTE

interface OpenAlert {
  id: number
  rule: AlertRule
  subject: string
  phase: string
}

export class AlertEvaluator {
  private readonly newestEvent
  private readonly connected
  private readonly utilisation
  private readonly openAlerts
  private readonly insertAlert
  private readonly updateAlert
  private readonly log
  private readonly saveSample
  private readonly overloadShare
  private readonly dailyPeaks
  private readonly clientUsage
  private readonly serverBytes

  constructor(
    private readonly db: Db,
    private readonly watermarks: Watermarks,
  ) {
    this.newestEvent = db.prepare<[], { ts: number | null; first: number | null }>(
      // Two scalar subqueries, each a seek per type (silver/event-time.ts): max and min in one would scan.
      `SELECT (SELECT max(ts) FROM silver_events WHERE ${everyType()}) AS ts,
         (SELECT min(ts) FROM silver_events WHERE ${everyType()}) AS first`,
    )
    // Counted per server and type in SQL: the devices themselves (139,000 at 10 million events) are not needed.
    this.connected = connectedGroupsQuery(db, JUDGE_RECENT_EVENTS)
    this.utilisation = serverUtilisationMetric(db)
    this.openAlerts = db.prepare<[], OpenAlert>(
      `SELECT id, rule, subject, phase FROM alerts WHERE state IN ('pending', 'firing')`,
    )
    this.insertAlert = db.prepare(
      `INSERT INTO alerts (rule, subject, state, since, fired_at, value, summary, details, phase, historical, created_at)
       VALUES (@rule, @subject, @state, @since, @firedAt, @value, @summary, @details, @phase, @historical, @now)`,
    )
    this.updateAlert = db.prepare(
      `UPDATE alerts SET state = @state, fired_at = coalesce(@firedAt, fired_at), resolved_at = @resolvedAt,
         value = @value,
         summary = CASE WHEN @high THEN @summary ELSE summary END,
         details = CASE WHEN @high THEN @details ELSE details END,
         phase = @phase,
         historical = CASE WHEN state = 'pending' THEN @historical ELSE historical END
       WHERE id = @id`,
    )
    this.log = db.prepare(
      'INSERT INTO alert_log (alert_id, at, event_time, kind, who, comment) VALUES (?, ?, ?, ?, NULL, NULL)',
    )
    this.saveSample = db.prepare(
      `INSERT OR REPLACE INTO alert_samples (server, minute, connection_util, throughput_util) VALUES (?, ?, ?, ?)`,
    )
    this.overloadShare = db.prepare<[number, string, number, number], { over: number; total: number }>(
      `SELECT sum(max(connection_util, throughput_util) >= ?) AS over, count(*) AS total
       FROM alert_samples WHERE server = ? AND minute > ? AND minute <= ?`,
    )
    this.dailyPeaks = db.prepare<[string, number, number], { day: number; peak: number }>(
      `SELECT (minute - 1) / 1440 AS day, max(max(connection_util, throughput_util)) AS peak
       FROM alert_samples WHERE server = ? AND minute > ? AND minute <= ? GROUP BY day ORDER BY day`,
    )
    this.clientUsage = clientUsageQuery(db)
    this.serverBytes = serverBytesQuery(db)
  }

  /**
   * Judges the whole event-time minutes not judged yet, oldest first, for about `budgetMs` (at least one).
   * Returns how many minutes are still waiting (0 when caught up). `foldedUntil`: an event time that every
   * event gold has folded is at or before, when gold may trail silver.
   */
  run(
    settings: PipelineSettings,
    now = Date.now(),
    budgetMs = DEFAULT_BUDGET_MS,
    foldedUntil?: number,
  ): number {
    const events = this.newestEvent.get()
    if (!events || events.ts === null || events.first === null) return 0
    // Gold folded elsewhere may trail silver: the minutes it holds whole are those before its newest event.
    const newest = foldedUntil === undefined ? events.ts : Math.min(events.ts, foldedUntil)
    const last = Math.floor((newest - SETTLE_MS) / MINUTE)
    let from = this.watermarks.get('alerts')
    // A first run starts where the data starts, within the window the rules look back over.
    if (from === 0) {
      from = Math.max(
        last - Math.ceil((settings.alerts.upgradeWindowDays * DAY) / MINUTE),
        Math.floor(events.first / MINUTE) - 1,
      )
    }
    if (last <= from) return 0
    const started = Date.now()
    let minute = from
    this.db.transaction(() => {
      const open = new Map<string, OpenAlert>(
        this.openAlerts.all().map((a) => [`${a.rule}\u0000${a.subject}`, a]),
      )
      // At least one minute per call, however small the budget: every call makes progress.
      while (minute < last && (minute === from || Date.now() - started < budgetMs))
        this.judge(++minute, settings, open, now)
      this.watermarks.set('alerts', minute)
    })()
    return last - minute
  }

  private judge(minute: number, settings: PipelineSettings, open: Map<string, OpenAlert>, now: number): void {
    const t = minute * MINUTE
    const a = settings.alerts
    const historical = t < now - HISTORICAL_AFTER_MS
    const connected = this.connected(t, idleMsOf(settings.idleTimeoutMin))
    const overload: HysteresisRule = {
      raiseAt: a.overloadRaisePct / 100,
      clearBelow: a.overloadClearPct / 100,
      forMs: a.overloadForMin * MINUTE,
      clearForMs: a.overloadClearForMin * MINUTE,
    }
    for (const s of this.utilisation(t / 1000, connected, settings)) {
      this.saveSample.run(s.server, minute, s.connectionUtilisation, s.throughputUtilisation)
      const which = s.throughputUtilisation >= s.connectionUtilisation ? 'throughput' : 'connections'
      const value = Math.max(s.connectionUtilisation, s.throughputUtilisation)
      const pct = Math.round(value * 100)
      this.apply(open, 'server-overloaded', s.server, overload, value, t, historical, now, {
        summary: `Server ${s.server} overloaded: ${which} at ${pct} % of capacity`,
        details: {
          which,
          connectionUtilisation: s.connectionUtilisation,
          throughputUtilisation: s.throughputUtilisation,
        },
      })
      if (minute % 60 === 0) this.judgeUpgrade(s.server, minute, settings, open, historical, now)
    }
    const heavyRule: HysteresisRule = {
      raiseAt: settings.heavyThresholdMbps * 1e6,
      clearBelow: settings.heavyThresholdMbps * 1e6,
      forMs: a.heavyForMin * MINUTE,
      clearForMs: a.overloadClearForMin * MINUTE,
    }
    // The clients at or above the threshold (bounded from whole minutes, the few unsure ones summed), and
    // those with an open alert, even at 0 b/s, so their alerts can resolve.
    const judged = new Set(this.clientUsage.atLeast(t / 1000, HEAVY_WINDOW_S, heavyRule.clearBelow))
    for (const alert of open.values()) if (alert.rule === 'heavy-user') judged.add(alert.subject)
    const usage = this.usageOf(t / 1000, [...judged].sort())
    for (const [client, { bps, server, share }] of usage) {
      const ofServer = share === null ? '' : `, ${Math.round(share * 100)} % of ${server}`
      this.apply(open, 'heavy-user', client, heavyRule, bps, t, historical, now, {
        summary: `Client ${client} uses ${(bps / 1e6).toFixed(1)} Mb/s${ofServer}: consider limiting it`,
        details: { bps, server, shareOfServer: share },
      })
    }
  }

  /**
   * Each client's rate over the heavy window, its main server there (the one it sent most bytes through; of
   * equals, the first by name, as gold_clients.main_server) and its share of that server's bytes, in the
   * order given. One statement for all the clients judged, by key seeks: one per client was a scan of the
   * window's every client row (about 0.4 s each at 100,000 clients, minutes per judged minute).
   */
  private usageOf(
    sec: number,
    clients: readonly string[],
  ): Map<string, { bps: number; server: string | null; share: number | null }> {
    if (clients.length === 0) return new Map()
    const usage = new Map(clients.map((c) => [c, { bytes: 0, server: '', serverBytes: -1 }]))
    // Rows come in SQLite's (client, server) order: the first server with the most bytes wins a tie, as in
    // REFILL_CLIENT_WINDOWS_SQL (JavaScript's < orders names apart from SQLite beyond the BMP).
    for (const row of this.clientUsage.perServerOf(sec, HEAVY_WINDOW_S, clients)) {
      const u = usage.get(row.client)!
      u.bytes += row.bytes
      if (row.bytes > u.serverBytes) Object.assign(u, { server: row.server, serverBytes: row.bytes })
    }
    const totals = this.serverBytes(sec - HEAVY_WINDOW_S, sec)
    const result = new Map<string, { bps: number; server: string | null; share: number | null }>()
    for (const [client, u] of usage) {
      const total = u.serverBytes < 0 ? undefined : totals.get(u.server)
      // A server without usage rows of its own in the window (its name unknown to usage) has no share.
      result.set(client, {
        bps: (u.bytes * 8) / HEAVY_WINDOW_S,
        server: total === undefined ? null : u.server,
        share: total === undefined || total <= 0 ? null : u.serverBytes / total,
      })
    }
    return result
  }

  private judgeUpgrade(
    server: string,
    minute: number,
    settings: PipelineSettings,
    open: Map<string, OpenAlert>,
    historical: boolean,
    now: number,
  ): void {
    const a = settings.alerts
    const windowMinutes = (a.upgradeWindowDays * DAY) / MINUTE
    const shares = this.overloadShare.get(a.overloadRaisePct / 100, server, minute - windowMinutes, minute)
    const overloadedShare = windowMinutes > 0 ? (shares?.over ?? 0) / windowMinutes : 0
    const peaks = this.dailyPeaks.all(server, minute - 30 * 1440, minute)
    const today = Math.floor((minute - 1) / 1440)
    // Only whole days: today's peak is still rising.
    const days = daysToSaturation(
      peaks.filter((p) => p.day < today),
      today,
    )
    const bySaturation = days !== null && days <= a.upgradeHorizonDays
    const byShare = overloadedShare > a.upgradeSharePct / 100
    const reasons = [
      byShare
        ? `overloaded ${Math.round(overloadedShare * 100)} % of the last ${a.upgradeWindowDays} days`
        : null,
      bySaturation ? `saturates in about ${Math.max(1, Math.round(days))} days` : null,
    ].filter(Boolean)
    const rule: HysteresisRule = { raiseAt: 1, clearBelow: 1, forMs: 0, clearForMs: 0 }
    this.apply(
      open,
      'upgrade-recommended',
      server,
      rule,
      byShare || bySaturation ? 1 : 0,
      minute * MINUTE,
      historical,
      now,
      {
        summary: `Upgrade server ${server}: ${reasons.join('; ') || 'no longer needed'}`,
        details: { overloadedShare, daysToSaturation: days },
      },
    )
  }

  private apply(
    open: Map<string, OpenAlert>,
    rule: AlertRule,
    subject: string,
    hysteresis: HysteresisRule,
    value: number,
    t: number,
    historical: boolean,
    now: number,
    evidence: { summary: string; details: object },
  ): void {
    const key = `${rule}\u0000${subject}`
    const current = open.get(key)
    const phase: Phase = current ? (JSON.parse(current.phase) as Phase) : OK
    const { next, transition } = step(hysteresis, phase, value, t)
    if (!current && next.phase === 'ok') return
    const state = stateOf(next, transition)
    const row = {
      state,
      firedAt: transition === 'firing' ? t : null,
      resolvedAt: state === 'resolved' || state === 'cancelled' ? t : null,
      value,
      summary: evidence.summary,
      details: JSON.stringify(evidence.details),
      phase: JSON.stringify(next),
      historical: historical ? 1 : 0,
      // The summary says what was wrong: it follows the value while the condition holds, not on the way down.
      high: value >= hysteresis.raiseAt ? 1 : 0,
    }
    let id: number
    if (!current) {
      const since = next.phase === 'ok' ? t : next.since
      const { high: _high, ...fields } = row
      id = Number(this.insertAlert.run({ ...fields, rule, subject, since, now }).lastInsertRowid)
      open.set(key, { id, rule, subject, phase: row.phase })
    } else {
      id = current.id
      this.updateAlert.run({ ...row, id })
      if (state === 'resolved' || state === 'cancelled') open.delete(key)
      else current.phase = row.phase
    }
    if (transition) this.log.run(id, now, t, transition)
  }
}

function stateOf(phase: Phase, transition: Transition): 'pending' | 'firing' | 'resolved' | 'cancelled' {
  if (transition === 'cancelled') return 'cancelled'
  if (transition === 'resolved') return 'resolved'
  return phase.phase === 'pending' ? 'pending' : 'firing'
}
