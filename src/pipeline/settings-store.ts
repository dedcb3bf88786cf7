import type { Db } from './db/open'
import { pipelineSettings, type PipelineSettings, type SettingsPatch } from '../shared/settings'
import type { NormalizeContext } from './silver/normalize'

/**
 * The system's time zone, read once: `Intl.DateTimeFormat()` builds a formatter (50 µs or more here), and
 * every flush asks, so a flush of a few one-event frames paid it again and again. A zone changed while
 * Vigia runs applies from its next start, or at once through the seedTimeZone setting.
 */
let systemTimeZone: string | undefined
const systemZone = () => (systemTimeZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone)

/** Pipeline settings, stored as one JSON document under the key 'pipeline'. */
export class SettingsStore {
  private cached: PipelineSettings | undefined
  private readonly getStmt
  private readonly putStmt

  constructor(db: Db) {
    this.getStmt = db.prepare<[], { value: string }>(`SELECT value FROM settings WHERE key = 'pipeline'`)
    this.putStmt = db.prepare(
      `INSERT INTO settings (key, value) VALUES ('pipeline', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    )
  }

  get(): PipelineSettings {
    if (!this.cached) {
      const row = this.getStmt.get()
      this.cached = pipelineSettings.parse(row ? JSON.parse(row.value) : {})
    }
    return this.cached
  }

  /** Validates the whole result: a bad value changes nothing. Retention days merge key by key. */
  update(patch: SettingsPatch): PipelineSettings {
    const current = this.get()
    const next = pipelineSettings.parse({
      ...current,
      ...patch,
      retentionDays: { ...current.retentionDays, ...patch.retentionDays },
      alerts: { ...current.alerts, ...patch.alerts },
    })
    this.putStmt.run(JSON.stringify(next))
    this.cached = next
    return next
  }

  normalizeContext(): Omit<NormalizeContext, 'receivedAt'> {
    const s = this.get()
    return {
      seedTimeZone: s.seedTimeZone || systemZone(),
      seedServer: s.seedServer,
    }
  }
}
