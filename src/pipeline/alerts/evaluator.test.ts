import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../engine'
import { frame, tempDir } from '../testing/temp-db'

const MIN = 60_000
const NOW = Math.floor(Date.now() / MIN) * MIN

interface AlertRow {
  id: number
  rule: string
  subject: string
  state: string
  since: number
  fired_at: number | null
  resolved_at: number | null
  summary: string
  historical: number
}

describe('alert rules in event time', () => {
  let dir: ReturnType<typeof tempDir>
  let engine: Engine
  let n = 0
  beforeEach(() => {
    dir = tempDir()
    engine = Engine.open(dir.path('vigia.db'))
    // A 100 Mb/s server: 75 MB in a minute is 10 Mb/s, i.e. 10 %.
    engine.db.prepare(`INSERT INTO settings_servers VALUES ('ap-1', 'Centro', 'Sul', 100, 100)`).run()
  })
  afterEach(() => {
    engine.close()
    dir.remove()
  })

  /** Usage of one device at `mbps` for each minute in [from, from + minutes), one sample every 10 s. */
  function usage(
    from: number,
    minutes: number,
    mbps: number | ((minute: number) => number),
    { client = 'acme', server = 'ap-1', device = 'd1' } = {},
  ) {
    const events = []
    for (let m = 0; m < minutes; m++) {
      const rate = typeof mbps === 'number' ? mbps : mbps(m)
      for (let s = 0; s < 6; s++) {
        const bytes = Math.round((rate * 1e6 * 10) / 8)
        const ts = from + m * MIN + s * 10_000 + 1
        events.push({
          id: `u${n++}`,
          ts,
          type: 'usage',
          server,
          device,
          client,
          bytes_down: bytes,
          bytes_up: 0,
        })
      }
    }
    return events
  }
  function ingest(events: object[]) {
    for (let i = 0; i < events.length; i += 500)
      engine.ingestFrames([frame(events.slice(i, i + 500), null, NOW)])
    while (engine.evaluateAlerts(NOW) > 0);
  }
  const load = (...args: Parameters<typeof usage>) => ingest(usage(...args))
  const alerts = (rule: string) =>
    engine.db.prepare<[string], AlertRow>('SELECT * FROM alerts WHERE rule = ? ORDER BY id').all(rule)
  const log = (id: number) =>
    engine.db
      .prepare<[number], { kind: string; event_time: number }>(
        'SELECT kind, event_time FROM alert_log WHERE alert_id = ? ORDER BY id',
      )
      .all(id)

  it('judges a live minute with the bytes of the reports that cover its end, which come after it', () => {
    // Three devices at 32 Mb/s, each reporting every 30 s the 30 s before, at phases 0, 10 and 20 s: the
    // last seconds of a minute arrive with the next minute's reports. On a 100 Mb/s server: 96 % each minute.
    const start = NOW - 2 * 3_600_000
    const events = []
    for (let t = start + 10_000; t <= start + 10 * MIN; t += 10_000) {
      const device = `d${(t / 10_000) % 3}`
      events.push({
        id: `u${n++}`,
        ts: t,
        type: 'usage',
        server: 'ap-1',
        device,
        client: device,
        bytes_down: (32e6 * 30) / 8,
        bytes_up: 0,
        duration_ms: 30_000,
      })
    }
    // As a live feed sends them: one at a time, the rules run after each.
    for (const e of events) {
      engine.ingestFrames([frame([e], null, NOW)])
      engine.evaluateAlerts(NOW)
    }
    const utilisation = engine.db
      .prepare<[number, number], { minute: number; throughput_util: number }>(
        'SELECT minute, throughput_util FROM alert_samples WHERE minute > ? AND minute <= ? ORDER BY minute',
      )
      .all(start / MIN + 1, start / MIN + 8)
    expect(utilisation.map((u) => u.minute)).toEqual([2, 3, 4, 5, 6, 7, 8].map((m) => start / MIN + m))
    for (const u of utilisation) expect(u.throughput_util).toBeCloseTo(0.96, 12)
  })

  it('fires an overloaded server after 5 minutes at or above 85 %, pending first, and resolves after 5 minutes below 75 %', () => {
    const start = NOW - 3 * 3_600_000
    // 10 minutes at 90 %, 3 at 80 % (between the levels: still firing), then 10 at 50 %.
    load(start, 23, (m) => (m < 10 ? 90 : m < 13 ? 80 : 50))
    const [alert, ...others] = alerts('server-overloaded')
    expect(others).toEqual([])
    expect(alert).toMatchObject({ subject: 'ap-1', state: 'resolved', historical: 1 })
    // Minute k of the load is judged at its end, start + (k + 1) min.
    expect(log(alert!.id)).toEqual([
      { kind: 'pending', event_time: start + MIN },
      { kind: 'firing', event_time: start + 6 * MIN },
      { kind: 'resolved', event_time: start + 19 * MIN },
    ])
    // The summary keeps what was wrong (the last value above the raise level), not the value it resolved at.
    expect(alert!.summary).toBe('Server ap-1 overloaded: throughput at 90 % of capacity')
  })

  /** 95 devices of ap-1 (of 100 allowed) send their status once, then only another server reports. */
  function statusSnapshotsThenAnHour(start: number) {
    const connects = Array.from({ length: 95 }, (_, i) => ({
      id: `c${i}`,
      ts: start + 1,
      type: 'connect',
      server: 'ap-1',
      device: `snap-${i}`,
      client: `c${i}`,
    }))
    ingest([...connects, ...usage(start, 60, 1, { server: 'ap-2', device: 'other', client: 'other' })])
    return alerts('server-overloaded').filter((a) => a.subject === 'ap-1')
  }

  it('lets status snapshots go idle after the idle timeout: their overload resolves', () => {
    const [alert] = statusSnapshotsThenAnHour(NOW - 3 * 3_600_000)
    expect(alert).toMatchObject({ state: 'resolved' })
  })

  it('keeps status snapshots connected with no idle timeout: their overload stays firing', () => {
    engine.updateSettings({ idleTimeoutMin: null })
    const [alert] = statusSnapshotsThenAnHour(NOW - 3 * 3_600_000)
    expect(alert).toMatchObject({ state: 'firing', resolved_at: null })
  })

  it('gives one alert for a load flapping around 85 %', () => {
    load(NOW - 3 * 3_600_000, 40, (m) => (m < 6 ? 95 : m % 2 ? 86 : 80))
    expect(alerts('server-overloaded')).toHaveLength(1)
    expect(alerts('server-overloaded')[0]!.state).toBe('firing')
  })

  it('never fires for a burst shorter than the pending time', () => {
    load(NOW - 3 * 3_600_000, 20, (m) => (m >= 5 && m < 9 ? 99 : 20))
    expect(alerts('server-overloaded').map((a) => a.state)).toEqual(['cancelled'])
  })

  it('marks alerts from imported history as historical, and live ones not', () => {
    load(NOW - 10 * MIN, 10, 95)
    expect(alerts('server-overloaded')).toMatchObject([{ state: 'firing', historical: 0 }])
  })

  it('raises a heavy user after 10 minutes at or above the threshold, with its share of its server', () => {
    // 60 Mb/s over 5-minute windows: heavy once the window is full, firing 10 minutes later.
    load(NOW - 3 * 3_600_000, 20, 60)
    const [alert] = alerts('heavy-user')
    expect(alert).toMatchObject({ subject: 'acme', state: 'firing' })
    expect(alert!.summary).toBe('Client acme uses 60.0 Mb/s, 100 % of ap-1: consider limiting it')
    const events = log(alert!.id)
    expect(events.map((e) => e.kind)).toEqual(['pending', 'firing'])
    expect(events[1]!.event_time - events[0]!.event_time).toBe(10 * MIN)
  })

  it('judges at least one minute per call, however small its time budget', () => {
    load(NOW - 3 * 3_600_000, 5, 50)
    // Judge them again from the start (what a rebuild does).
    engine.db.prepare(`UPDATE pipeline_watermarks SET last_id = 0 WHERE stage = 'alerts'`).run()
    const waiting = engine.evaluateAlerts(NOW, 0)
    expect(waiting).toBeGreaterThan(1)
    expect(engine.evaluateAlerts(NOW, 0)).toBe(waiting - 1)
  })

  /** 20 minutes, three hours ago, on ap-1 and a second 100 Mb/s server ap-2: Mb/s per client, server, device. */
  function twoServers(loads: [mbps: number, client: string, server: string, device: string][]) {
    engine.db.prepare(`INSERT INTO settings_servers VALUES ('ap-2', 'Norte', 'Sul', 100, 100)`).run()
    const start = NOW - 3 * 3_600_000
    const events = loads.flatMap(([mbps, client, server, device]) =>
      usage(start, 20, mbps, { client, server, device }),
    )
    ingest(events.sort((a, b) => a.ts - b.ts))
  }

  it("names a heavy user's main server and its share of that server's bytes", () => {
    // acme: 40 Mb/s through ap-1 and 20 through ap-2; bob 20 Mb/s through ap-1, under the threshold.
    twoServers([
      [40, 'acme', 'ap-1', 'a1'],
      [20, 'acme', 'ap-2', 'a2'],
      [20, 'bob', 'ap-1', 'b1'],
    ])
    const heavy = alerts('heavy-user')
    expect(heavy.map((a) => a.subject)).toEqual(['acme'])
    expect(heavy[0]!.summary).toBe('Client acme uses 60.0 Mb/s, 67 % of ap-1: consider limiting it')
  })

  it('names the first server by name when a heavy user sends as much through two, as the client table does', () => {
    twoServers([
      [30, 'acme', 'ap-2', 'a2'],
      [30, 'acme', 'ap-1', 'a1'],
    ])
    expect(alerts('heavy-user')[0]!.summary).toBe(
      'Client acme uses 60.0 Mb/s, 100 % of ap-1: consider limiting it',
    )
    const mainServer = engine.db.prepare(`SELECT main_server FROM gold_clients WHERE client = 'acme'`).pluck()
    expect(mainServer.get()).toBe('ap-1')
  })

  it('names the same main server as gold_clients on a tie between names JavaScript and SQLite order apart', () => {
    // SQLite orders names by their UTF-8 bytes, JavaScript's < by UTF-16 units: U+FF01 comes before U+1F600
    // in the first (EF.. < F0..) and after it in the second (0xFF01 > 0xD83D).
    const [bmp, astral] = ['ap-\uff01', 'ap-\u{1F600}']
    const start = NOW - 3 * 3_600_000
    ingest(
      [
        ...usage(start, 20, 30, { server: astral, device: 'a2' }),
        ...usage(start, 20, 30, { server: bmp, device: 'a1' }),
      ].sort((a, b) => a.ts - b.ts),
    )
    const mainServer = engine.db.prepare(`SELECT main_server FROM gold_clients WHERE client = 'acme'`).pluck()
    expect(mainServer.get()).toBe(bmp)
    expect(alerts('heavy-user')[0]!.summary).toBe(
      `Client acme uses 60.0 Mb/s, 100 % of ${bmp}: consider limiting it`,
    )
  })

  it('recommends an upgrade for a server overloaded more than 10 % of the last 7 days', () => {
    const sample = engine.db.prepare('INSERT INTO alert_samples VALUES (?, ?, ?, ?)')
    const end = Math.floor((NOW - 2 * 3_600_000) / 3_600_000) * 60
    // 7 days of minutes: 15 % of them at 90 %.
    for (let m = end - 7 * 1440 + 1; m <= end - 5; m++) sample.run('ap-1', m, 0.1, m % 100 < 15 ? 0.9 : 0.3)
    engine.db.prepare(`UPDATE pipeline_watermarks SET last_id = ? WHERE stage = 'alerts'`).run(end - 5)
    load((end - 5) * MIN, 10, 20)
    const [alert] = alerts('upgrade-recommended')
    expect(alert?.state).toBe('firing')
    expect(alert!.summary).toMatch(/^Upgrade server ap-1: overloaded 15 % of the last 7 days/)
  })

  it('recommends an upgrade when the daily peak trend reaches 100 % within 30 days, saying when', () => {
    const sample = engine.db.prepare('INSERT INTO alert_samples VALUES (?, ?, ?, ?)')
    const end = Math.floor((NOW - 2 * 3_600_000) / 3_600_000) * 60
    const today = Math.floor((end - 1) / 1440)
    // Daily peaks 40 % ten days ago rising 3 % a day: 100 % in about 10 days from today.
    for (let d = 10; d >= 1; d--) sample.run('ap-1', (today - d) * 1440 + 600, 0.1, 0.4 + (10 - d) * 0.03)
    engine.db.prepare(`UPDATE pipeline_watermarks SET last_id = ? WHERE stage = 'alerts'`).run(end - 5)
    load((end - 5) * MIN, 10, 20)
    const [alert] = alerts('upgrade-recommended')
    // Line: peak = 0.4 + 0.03 * (day - (today - 10)); 1.0 at today + 10.
    expect(alert!.summary).toBe('Upgrade server ap-1: saturates in about 10 days')
  })
})
