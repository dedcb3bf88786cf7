import { mkdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { tempDir } from '../pipeline/testing/temp-db'
import { UiServer } from './ui-server'
import { VigiaService } from './vigia-service'

/** A raw request, so paths reach the server exactly as written (fetch would normalise ../). */
function get(url: string, path: string, method = 'GET', body?: string) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>(
    (resolve, reject) => {
      const { hostname, port } = new URL(url)
      const req = request({ hostname, port, path, method }, (res) => {
        let text = ''
        res.on('data', (c: Buffer) => (text += c.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }))
      })
      req.on('error', reject)
      req.end(body)
    },
  )
}

function apiCall(url: string, message: object): Promise<{ result?: unknown; error?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, ...message })))
    ws.on('message', (data) => {
      const reply = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: string }
      if (reply.id === 1) {
        ws.close()
        resolve(reply)
      }
    })
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.on('error', reject)
  })
}

describe('the headless UI server', () => {
  let dir: ReturnType<typeof tempDir>
  let service: VigiaService
  let ui: UiServer | undefined
  const start = async (token?: string) => {
    ui = await UiServer.start(service, {
      host: '127.0.0.1',
      port: 0,
      token,
      staticDir: dir.path('ui'),
      uploadDir: dir.path('uploads'),
    })
    return ui.url
  }

  beforeEach(async () => {
    dir = tempDir()
    mkdirSync(dir.path('ui'))
    writeFileSync(dir.path('ui/index.html'), '<html>vigia</html>')
    writeFileSync(dir.path('secret.txt'), 'do not serve me')
    service = await VigiaService.start({
      dbPath: dir.path('vigia.db'),
      demo: 'off',
      ingest: { host: '127.0.0.1', port: 0, path: '/ingest', maxPayload: 1 << 20 },
    })
  })
  afterEach(async () => {
    await ui?.close()
    ui = undefined
    await service.stop()
    dir.remove()
  })

  it('serves the UI with its security headers, and never a file outside the UI folder', async () => {
    const url = await start()
    const page = await get(url, '/')
    expect(page.body).toBe('<html>vigia</html>')
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      expect((await get(url, path)).body).not.toContain('do not serve me')
    }
  })

  it('answers API calls over WebSocket, validating them, and refuses import by server path', async () => {
    const url = (await start()).replace('http', 'ws') + 'api'
    const status = await apiCall(url, { method: 'status:get', args: {} })
    expect(status.result).toMatchObject({ mode: 'headless', demo: { running: false } })
    expect((await apiCall(url, { method: 'nope', args: {} })).error).toMatch(/unknown method/)
    expect((await apiCall(url, { method: 'quarantine:list', args: { limit: -1 } })).error).toMatch(/limit/)
    const byPath = await apiCall(url, { method: 'import:file', args: { path: '/etc/passwd' } })
    expect(byPath.error).toMatch(/only for the desktop app/)
  })

  it('requires the token, when one is set, for the API, uploads and export', async () => {
    await expect(
      UiServer.start(service, {
        host: '0.0.0.0',
        port: 0,
        staticDir: dir.path('ui'),
        uploadDir: dir.path('u'),
      }),
    ).rejects.toThrow(/token is required/)
    const url = await start('t0ken')
    await expect(apiCall(url.replace('http', 'ws') + 'api', { method: 'status:get' })).rejects.toThrow(
      'HTTP 401',
    )
    expect((await get(url, '/api/upload?name=x.ndjson', 'POST', '{}')).status).toBe(401)
    expect((await get(url, '/api/export/clients.csv')).status).toBe(401)
    const ok = await apiCall(url.replace('http', 'ws') + 'api?token=t0ken', {
      method: 'status:get',
      args: {},
    })
    expect(ok.result).toBeDefined()
  })

  it('imports an uploaded file under a name that cannot become a path', async () => {
    const url = await start()
    const done = new Promise<{ name: string; accepted: number }>((resolve) =>
      service.on('push', (e) => e.type === 'import:done' && resolve(e.summary)),
    )
    const event = { id: 'u1', ts: Date.now(), type: 'flow', device: 'a', peer: 'b', bytes: 10 }
    const res = await get(
      url,
      `/api/upload?name=${encodeURIComponent('../../etc/evil.ndjson')}`,
      'POST',
      JSON.stringify(event),
    )
    expect(res.status).toBe(200)
    expect(await done).toMatchObject({ name: 'evil.ndjson', accepted: 1 })
  })
})
