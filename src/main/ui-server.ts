// The headless mode's HTTP server: the built UI, its API over WebSocket (/api), file uploads for drag and
// drop (/api/upload) and CSV export (/api/export/clients.csv). Loopback by default; the token otherwise.
import { stringify } from 'csv-stringify'
import { randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { basename, extname, join, normalize, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { WebSocketServer, type WebSocket } from 'ws'
import { clientView, type ClientRow, type PushEvent } from '../shared/api'
import { ApiError, createApiHandlers, dispatch } from './api-handlers'
import { isLoopbackHost, tokenFromRequest, tokenMatches } from './auth'
import { CONTENT_SECURITY_POLICY } from './csp'
import type { VigiaService } from './vigia-service'

export interface UiServerOptions {
  host: string
  port: number
  token?: string
  /** The built renderer (out/renderer). */
  staticDir: string
  /** Where uploads are written before they are imported (the data folder, not a RAM-backed /tmp). */
  uploadDir: string
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
}

export class UiServer {
  private readonly http: Server
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: 1 << 20,
    perMessageDeflate: false,
  })
  private readonly handlers

  private constructor(
    private readonly service: VigiaService,
    private readonly options: UiServerOptions,
  ) {
    this.handlers = createApiHandlers(service)
    this.http = createServer((req, res) => {
      this.route(req, res).catch((error: Error) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
        res.end(`error: ${error.message}\n`)
      })
    })
    this.http.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://vigia')
      if (url.pathname !== '/api') return socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n')
      if (!this.authorised(req)) return socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n')
      this.wss.handleUpgrade(req, socket, head, (ws) => this.serveApi(ws))
    })
  }

  static async start(service: VigiaService, options: UiServerOptions): Promise<UiServer> {
    if (!isLoopbackHost(options.host) && !options.token) {
      throw new Error(
        `a token is required to serve the UI on ${options.host}: set one, or listen on 127.0.0.1`,
      )
    }
    await mkdir(options.uploadDir, { recursive: true })
    const server = new UiServer(service, options)
    await new Promise<void>((resolve, reject) => {
      server.http.once('error', reject)
      server.http.listen(options.port, options.host, () => resolve())
    })
    return server
  }

  get url(): string {
    const { address, port } = this.http.address() as AddressInfo
    const host = address.includes(':') ? `[${address}]` : address
    return `http://${host}:${port}/`
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.close(1001, 'Vigia is shutting down')
    this.wss.close()
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve())
      this.http.closeAllConnections()
    })
  }

  private authorised(req: IncomingMessage): boolean {
    return !this.options.token || tokenMatches(tokenFromRequest(req), this.options.token)
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://vigia')
    if (url.pathname.startsWith('/api/')) {
      if (!this.authorised(req)) return void res.writeHead(401, SECURITY_HEADERS).end()
      if (url.pathname === '/api/upload' && req.method === 'POST') return this.upload(req, res, url)
      if (url.pathname === '/api/export/clients.csv' && req.method === 'GET')
        return this.exportClients(res, url)
      return void res.writeHead(404, SECURITY_HEADERS).end()
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, SECURITY_HEADERS).end()
    return this.serveStatic(url.pathname, res)
  }

  private async serveStatic(pathname: string, res: ServerResponse): Promise<void> {
    const root = normalize(this.options.staticDir)
    const wanted = normalize(join(root, decodeURIComponent(pathname === '/' ? '/index.html' : pathname)))
    // Only files below the UI folder; anything else is the app (client-side routes) or nothing.
    const file = wanted.startsWith(root + sep) ? wanted : join(root, 'index.html')
    const info = await stat(file).catch(() => null)
    const target = info?.isFile() ? file : join(root, 'index.html')
    const type = MIME[extname(target)] ?? 'application/octet-stream'
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-cache' })
    await pipeline(createReadStream(target), res)
  }

  /** A dropped file arrives as the request body; it is written to the data folder, then imported. */
  private async upload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    // The name is only shown to people: it never becomes a path.
    const name = basename(url.searchParams.get('name') ?? 'upload').slice(0, 200) || 'upload'
    const path = join(this.options.uploadDir, `${randomUUID()}.upload`)
    await pipeline(req, createWriteStream(path, { flags: 'wx' }))
    const importId = this.service.startImport(path, {
      name,
      force: url.searchParams.get('force') === '1',
      cleanup: path,
    })
    res
      .writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'application/json' })
      .end(JSON.stringify({ importId }))
  }

  private async exportClients(res: ServerResponse, url: URL): Promise<void> {
    const view = clientView.parse(JSON.parse(url.searchParams.get('view') ?? '{}'))
    const rows = await this.service.clientRowsFor(view)
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="vigia-clients.csv"',
    })
    await pipeline(clientsCsv(rows), res)
  }

  private serveApi(ws: WebSocket): void {
    const push = (event: PushEvent) => {
      if (ws.readyState === ws.OPEN && ws.bufferedAmount < 4 << 20) ws.send(JSON.stringify({ push: event }))
    }
    this.service.on('push', push)
    ws.on('close', () => this.service.off('push', push))
    ws.on('error', () => this.service.off('push', push))
    ws.on('message', async (data) => {
      let id: unknown = null
      try {
        const message = JSON.parse(String(data)) as { id?: unknown; method?: unknown; args?: unknown }
        id = message.id
        if (message.method === 'import:file') {
          throw new ApiError('importing by path is only for the desktop app: upload the file instead')
        }
        const result = await dispatch(this.handlers, message.method, message.args)
        ws.send(JSON.stringify({ id, result }))
      } catch (error) {
        ws.send(JSON.stringify({ id, error: (error as Error).message }))
      }
    })
  }
}

/** CSV of the heavy-user table, streamed row by row. */
export function clientsCsv(rows: readonly ClientRow[]) {
  const csv = stringify({
    header: true,
    columns: [
      'client',
      'server',
      'bps',
      'shareOfServer',
      'devices',
      'planMbps',
      'planClass',
      'lastSeen',
      'heavy',
    ],
  })
  void (async () => {
    for (const r of rows) {
      const record = { ...r, lastSeen: new Date(r.lastSeen).toISOString(), bps: Math.round(r.bps) }
      if (!csv.write(record)) await new Promise((resolve) => csv.once('drain', resolve))
    }
    csv.end()
  })()
  return csv
}
