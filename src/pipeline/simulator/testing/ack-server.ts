// Test helper: a real `ws` server on 127.0.0.1 (port 0) that answers envelopes the way Vigia does: one
// ack per frame, in order, first id wins. It can drop a connection once, delay replies and require a
// token, which is what the sender's tests need to prove it loses nothing.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'

export interface AckServerOptions {
  /** Default 0: any free port. */
  port?: number
  /** Terminate the connection, without replying, when this frame (1-based, over all connections) arrives. */
  dropAtFrame?: number
  /** Require `Authorization: Bearer <token>`; other upgrades get 401. */
  token?: string
  /** Delay every reply by this many ms, so frames pile up in flight. */
  replyDelayMs?: number
}

export interface AckServer {
  url: string
  /** Every event id received, duplicates included, in arrival order. */
  ids: string[]
  /** Every record received, as parsed. */
  records: unknown[]
  frames: number
  connections: number
  /** Most frames one connection had without a reply at any moment. */
  maxOutstanding: number
  authorization: (string | undefined)[]
  close(): Promise<void>
}

export async function startAckServer(options: AckServerOptions = {}): Promise<AckServer> {
  const http = createServer()
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  const seen = new Set<string>()
  let dropped = false
  const server: AckServer = {
    url: '',
    ids: [],
    records: [],
    frames: 0,
    connections: 0,
    maxOutstanding: 0,
    authorization: [],
    close: async () => {
      for (const client of wss.clients) client.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      await new Promise<void>((resolve) => http.close(() => resolve()))
    },
  }

  http.on('upgrade', (request, socket, head) => {
    server.authorization.push(request.headers.authorization)
    if (options.token && request.headers.authorization !== `Bearer ${options.token}`) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n')
      return
    }
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws))
  })

  function accept(ws: WebSocket): void {
    server.connections++
    let outstanding = 0
    ws.send(
      JSON.stringify({
        type: 'hello',
        protocol: 1,
        maxPayload: 1 << 20,
        connection: `c${server.connections}`,
      }),
    )
    ws.on('message', (data) => {
      server.frames++
      if (!dropped && server.frames === options.dropAtFrame) {
        dropped = true
        ws.terminate()
        return
      }
      outstanding++
      server.maxOutstanding = Math.max(server.maxOutstanding, outstanding)
      const envelope = JSON.parse(data.toString()) as { seq: string; events: unknown[] }
      const counts = { accepted: 0, duplicates: 0, rejected: 0 }
      for (const record of envelope.events) {
        server.records.push(record)
        const id = typeof record === 'object' && record !== null ? (record as { id?: unknown }).id : undefined
        if (typeof id !== 'string') {
          counts.rejected++
          continue
        }
        server.ids.push(id)
        if (seen.has(id)) counts.duplicates++
        else counts.accepted++
        seen.add(id)
      }
      const reply = () => {
        outstanding--
        ws.send(JSON.stringify({ type: 'ack', seq: String(envelope.seq), ...counts, rejects: [] }))
      }
      if (options.replyDelayMs) setTimeout(reply, options.replyDelayMs)
      else reply()
    })
  }

  await new Promise<void>((resolve) => http.listen(options.port ?? 0, '127.0.0.1', resolve))
  server.url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ingest`
  return server
}
