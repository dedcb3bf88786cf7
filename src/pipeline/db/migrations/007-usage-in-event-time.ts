// 7: usage samples spread over the interval they cover, and counted under their device's type in event
// time (docs/metrics.md, "Usage samples"): usage counted again from silver. A late connect finds the
// samples to re-attribute through this index, keyed by minute as gold_device_minutes is, so a flush writes
// into the current minute's pages instead of one random page per device.
// Frozen: the text of an applied migration never changes (migrations.test.ts).
import type { Db } from '../open'
import { refillLiveState, refoldSilverUsage } from './007-refold'

export default {
  // A device never connected has no server or client now (they came from whichever event arrived first).
  sql: `
    CREATE INDEX silver_events_usage_minute ON silver_events((ts + 59999) / 60000, device) WHERE type = 'usage';
    UPDATE gold_devices SET server = NULL, client = NULL
      WHERE connect_ts IS NULL AND (server IS NOT NULL OR client IS NOT NULL);`,
  then: (db: Db) => {
    refoldSilverUsage(db)
    refillLiveState(db)
  },
}
