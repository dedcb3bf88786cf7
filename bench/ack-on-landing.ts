// An experiment, not one of the targets: how fast the endpoint would take frames if it acknowledged each
// once landed (a design the protocol does not promise today: an ack now means silver and gold hold the
// events). The real IngestServer on the main thread, with a target that only lands the batch's frames in
// one transaction (and reads each frame's envelope, as it must to answer), driven by the WebSocket
// benchmark's client. Run with `npx tsx bench/ack-on-landing.ts`; the datasets must exist (`npm run bench`).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_INGEST, IngestServer } from '../src/main/ingest-server'
import { splitFrame } from '../src/pipeline/bronze/records'
import { openDb } from '../src/pipeline/db/open'
import type { FrameResult, IncomingFrame } from '../src/pipeline/engine'
import { LandingWriter } from '../src/pipeline/landing/landing-writer'
import { CLIENT, SIZES, WARM_EVENTS } from './config'
import { ndjsonFile } from './datasets'
import { fmt } from './report'
import { runClient } from './ws'

const dir = mkdtempSync(join(tmpdir(), 'vigia-ack-on-landing-'))
try {
  const db = openDb(join(dir, 'landing.db'))
  const landing = new LandingWriter(db)
  const land = db.transaction((frames: IncomingFrame[]): FrameResult[] =>
    frames.map((frame) => {
      const split = splitFrame(frame.bytes)
      const error = split.ok ? null : split.error
      const seq = split.seq ?? frame.seq
      const landingId = landing.insert({ ...frame, seq, kind: 'frame', error })
      return { landingId, seq, error, accepted: 0, duplicates: 0, rejected: 0, rejects: [] }
    }),
  )
  const file = await ndjsonFile(SIZES.full.fileBytes)
  for (const [label, frameEvents, events] of [
    ['100-event frames', 100, SIZES.full.wsBatchEvents],
    ['one-event frames', 1, SIZES.full.wsSingleEvents],
  ] as const) {
    const server = await IngestServer.start(
      { ingestFrames: async (frames) => land(frames) },
      { ...DEFAULT_INGEST, port: 0 },
    )
    const result = await runClient({
      url: server.url,
      ...CLIENT,
      frameEvents,
      source: { file, skip: WARM_EVENTS, events },
    })
    await server.close()
    console.log(
      `${label}: ${fmt.rate((result.events / result.elapsedMs) * 1000, 'events')} acknowledged once landed`,
    )
  }
  db.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
