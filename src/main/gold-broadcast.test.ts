// Gold's thread shares the clients' rows and the devices' last seen with the readers, and sends the memory and
// the names on the database's channel (gold-broadcast.ts): what a reader reads there is the rows of
// gold_clients and gold_devices its read transaction sees, and a reader that starts late has them with gold's
// next commit once it says hello.
import type { BroadcastChannel } from 'node:worker_threads'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../pipeline/db/open'
import { CLIENT_COLUMNS } from '../pipeline/gold/client-states'
import { SharedClients } from '../pipeline/gold/shared-clients'
import { SharedSeen } from '../pipeline/gold/shared-seen'
import { replayedSeenView } from '../pipeline/gold/seen-replay'
import { sharedRowsOf } from '../pipeline/testing/shared-client-rows'
import { goldNow } from '../pipeline/testing/gold-now'
import { frame, tempDir } from '../pipeline/testing/temp-db'
import { EngineHost } from './engine-host'
import { goldChannel } from './gold-broadcast'

const T = Math.floor(Date.now() / 1000) * 1000 - 60_000

/** The shared rows as reader-worker.ts reads them, from the channel of the database at `path`. */
function readerCopy(path: string) {
  const mirror = new SharedClients()
  const seen = new SharedSeen()
  let generations = 0
  const channel: BroadcastChannel = goldChannel(path, (message) => {
    if (message.kind === 'clients-shared') mirror.attach(message.buffers)
    if (message.kind === 'devices-shared') seen.attach(message.buffers)
    if (message.kind !== 'client-names') return
    if (message.names.firstSlot === 0) generations++
    if (!mirror.addNames(message.names)) hello()
  })
  const hello = () => channel.postMessage({ kind: 'hello' })
  return { mirror, seen, channel, hello, resets: () => generations }
}

/** Until `done` holds, or 10 s: the channel's messages come on the event loop. */
async function until(done: () => boolean): Promise<void> {
  const started = Date.now()
  while (!done()) {
    if (Date.now() - started > 10_000) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe("gold's thread and the readers' copies of the clients' rows", () => {
  let dir: ReturnType<typeof tempDir>
  let host: EngineHost | undefined
  let reader: Db | undefined
  const channels: BroadcastChannel[] = []
  beforeEach(() => {
    dir = tempDir()
  })
  afterEach(async () => {
    for (const channel of channels.splice(0)) channel.close()
    reader?.close()
    await host?.stop()
    dir.remove()
  })

  it("sends each commit's rows, and a whole copy to a reader that says hello", async () => {
    const path = dir.path('vigia.db')
    host = await EngineHost.start(path, { goldLagMs: 0 })
    reader = openDb(path, { readonly: true })
    const first = readerCopy(path)
    channels.push(first.channel)

    /** The devices' last seen in the copy for the reader's read transaction, and in its rows. */
    const compareSeen = (seen: SharedSeen) =>
      reader!.transaction(() => {
        const gold = goldNow(reader!)
        const rows = reader!
          .prepare<[], [number, number, number | null]>(
            'SELECT slot, last_seen, minute_first_ts FROM gold_devices',
          )
          .raw()
          .all()
        const view = seen.open(gold.epoch, gold.watermark)
        const copy =
          view && rows.map(([slot]) => [slot, view.lastSeen(slot, NaN), view.minuteFirst(slot, NaN)])
        view?.release()
        // The rows lag gold's memory (written once a minute): what they lack, replayed from silver.
        const replay = replayedSeenView(reader!)
        const whole = rows.map(([slot, last, first]) =>
          replay ? [slot, replay.lastSeen(slot, last), replay.minuteFirst(slot, first)] : [slot, last, first],
        )
        return { copy, rows: whole }
      })()
    /** The copy's rows for the reader's read transaction, and the rows it reads (null: no copy for it). */
    const compare = (mirror: SharedClients) =>
      reader!.transaction(() => {
        const gold = goldNow(reader!)
        const rows = reader!
          .prepare(`SELECT ${CLIENT_COLUMNS.join(', ')} FROM gold_clients`)
          .raw()
          .all()
        const view = mirror.open(gold.epoch, gold.watermark)
        const copy = view && sharedRowsOf(view)
        return {
          copy,
          rows: rows.map((r) => JSON.stringify(r)).sort(),
        }
      })()
    const ingest = async (n: number, from: number) => {
      const events = Array.from({ length: n }, (_, i) => {
        const k = from + i
        const about = { ts: T + k * 100, server: `s${k % 3}`, device: `d${k % 25}`, client: `k${k % 9}` }
        return k % 10 === 0
          ? { id: `c${k}`, type: 'connect', ...about, plan_mbps: 50 }
          : { id: `u${k}`, type: 'usage', ...about, bytes_down: 1000 + k, bytes_up: 10 }
      })
      await host!.call('ingestFrames', [frame(events.map((e) => JSON.stringify(e)).join('\n'))])
      await host!.call('settleGold')
    }

    await ingest(200, 0)
    await until(() => compare(first.mirror).copy !== null)
    expect(compare(first.mirror).copy).toEqual(compare(first.mirror).rows)
    expect(compare(first.mirror).rows.length).toBe(9)
    await until(() => compareSeen(first.seen).copy !== null)
    expect(compareSeen(first.seen).copy).toEqual(compareSeen(first.seen).rows)
    expect(compareSeen(first.seen).rows.length).toBe(25)
    await ingest(200, 200)
    await until(() => compare(first.mirror).copy !== null)
    expect(compare(first.mirror).copy).toEqual(compare(first.mirror).rows)
    expect(first.resets()).toBe(1)

    // A reader that starts now says hello: gold's next commit brings it (and the others) a whole copy.
    const late = readerCopy(path)
    channels.push(late.channel)
    late.hello()
    // The hello comes on gold's event loop, between folds: a commit after it brings the copy.
    for (let i = 0; compare(late.mirror).copy === null && i < 20; i++) {
      await ingest(50, 400 + i * 50)
      await until(() => compare(first.mirror).copy !== null)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(compare(late.mirror).copy).toEqual(compare(late.mirror).rows)
    expect(compare(first.mirror).copy).toEqual(compare(first.mirror).rows)
    await until(() => compareSeen(late.seen).copy !== null)
    expect(compareSeen(late.seen).copy).toEqual(compareSeen(late.seen).rows)
    expect(late.resets()).toBe(1)
  })
})
