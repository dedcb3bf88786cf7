// The renderer's one door to Vigia. It never knows whether it runs in Electron (preload bridge) or in a
// browser (WebSocket to `vigia serve`): both transports give the same Api.
import type {
  ApiArgs,
  ApiMethod,
  ApiResults,
  ClientView,
  ImportStarted,
  PushEvent,
} from '../../../shared/api'

export interface Api {
  call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiResults[M]>
  onPush(listener: (event: PushEvent) => void): () => void
  /** Dropped or picked files: uploaded to the headless server, or read by path in the desktop app. */
  importFiles(files: readonly File[], force: boolean): Promise<ImportStarted[]>
  /** The current heavy-user view as CSV, streamed to a file. */
  exportClients(view: ClientView): Promise<void>
}

/** What src/preload exposes as window.vigia: one function per method, nothing more. */
export interface PreloadBridge {
  api: Record<ApiMethod, (args: unknown) => Promise<unknown>>
  onPush(listener: (event: PushEvent) => void): () => void
  pathForFile(file: File): string
  exportClients(view: ClientView): Promise<void>
}

declare global {
  interface Window {
    vigia?: PreloadBridge
  }
}

export function createApi(): Api {
  return window.vigia ? ipcApi(window.vigia) : wsApi()
}

function ipcApi(bridge: PreloadBridge): Api {
  return {
    call: (method, args) => bridge.api[method](args) as never,
    onPush: (listener) => bridge.onPush(listener),
    importFiles: (files, force) =>
      Promise.all(
        files.map(
          (file) =>
            bridge.api['import:file']({ path: bridge.pathForFile(file), force }) as Promise<ImportStarted>,
        ),
      ),
    exportClients: (view) => bridge.exportClients(view),
  }
}

function wsApi(): Api {
  const token = new URLSearchParams(location.search).get('token') ?? sessionStorage.getItem('vigia-token')
  if (token) sessionStorage.setItem('vigia-token', token)
  const query = token ? `?token=${encodeURIComponent(token)}` : ''
  const listeners = new Set<(event: PushEvent) => void>()
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let nextId = 1
  let socket: Promise<WebSocket> | null = null

  const connect = (): Promise<WebSocket> => {
    socket ??= new Promise((resolve, reject) => {
      const ws = new WebSocket(
        `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api${query}`,
      )
      ws.onopen = () => resolve(ws)
      ws.onerror = () => reject(new Error('cannot reach Vigia'))
      ws.onclose = () => {
        socket = null
        for (const p of pending.values()) p.reject(new Error('connection to Vigia lost'))
        pending.clear()
      }
      ws.onmessage = (message) => {
        const data = JSON.parse(String(message.data)) as {
          id?: number
          result?: unknown
          error?: string
          push?: PushEvent
        }
        if (data.push) return listeners.forEach((l) => l(data.push!))
        const waiter = pending.get(data.id ?? -1)
        pending.delete(data.id ?? -1)
        if (data.error !== undefined) waiter?.reject(new Error(data.error))
        else waiter?.resolve(data.result)
      }
    })
    return socket
  }
  // Opened now, while the page's first render runs, rather than by its first call: the handshake is then
  // done when the first calls go out. Should it fail, the first call opens it again and says why.
  void connect().catch(() => undefined)

  return {
    async call(method, args) {
      const ws = await connect()
      const id = nextId++
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
        ws.send(JSON.stringify({ id, method, args }))
      })
    },
    onPush(listener) {
      listeners.add(listener)
      void connect().catch(() => undefined)
      return () => listeners.delete(listener)
    },
    async importFiles(files, force) {
      return Promise.all(
        files.map(async (file) => {
          const params = new URLSearchParams({ name: file.name, force: force ? '1' : '0' })
          if (token) params.set('token', token)
          const response = await fetch(`/api/upload?${params}`, { method: 'POST', body: file })
          if (!response.ok) throw new Error(`upload of ${file.name} failed: HTTP ${response.status}`)
          return (await response.json()) as ImportStarted
        }),
      )
    },
    async exportClients(view) {
      const params = new URLSearchParams({ view: JSON.stringify(view) })
      if (token) params.set('token', token)
      const link = document.createElement('a')
      link.href = `/api/export/clients.csv?${params}`
      link.download = 'vigia-clients.csv'
      link.click()
    },
  }
}
