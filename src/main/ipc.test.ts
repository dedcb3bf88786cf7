import { EventEmitter } from 'node:events'
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../pipeline/testing/temp-db'
import { PUSH_CHANNEL } from '../shared/api'
import { registerIpc } from './ipc'
import { VigiaService } from './vigia-service'

type Handler = (event: IpcMainInvokeEvent, args: unknown) => unknown

describe('the IPC side of the API (electron faked, engine real)', () => {
  let dir: ReturnType<typeof tempDir>
  let service: VigiaService
  const handlers = new Map<string, Handler>()
  const sent: [string, unknown][] = []
  const webContents = { send: (channel: string, data: unknown) => sent.push([channel, data]) }
  const window = Object.assign(new EventEmitter(), { webContents, isDestroyed: () => false })
  const fromApp = { sender: webContents, senderFrame: { url: 'file:///app/out/renderer/index.html' } }

  beforeEach(async () => {
    dir = tempDir()
    service = await VigiaService.start({
      dbPath: dir.path('vigia.db'),
      demo: 'off',
      ingest: { host: '127.0.0.1', port: 0, path: '/ingest', maxPayload: 1 << 20 },
    })
    registerIpc(service, {
      ipcMain: {
        handle: (channel: string, handler: Handler) => void handlers.set(channel, handler),
        removeHandler: (channel: string) => void handlers.delete(channel),
      } as never,
      dialog: { showSaveDialog: async () => ({ canceled: true, filePath: '' }) } as never,
      window: window as unknown as BrowserWindow,
      devServerUrl: undefined,
    })
  })
  afterEach(async () => {
    await service.stop()
    dir.remove()
  })

  // Electron turns a handler's throw into a rejected invoke: so does this.
  const call = async (channel: string, args: unknown, event: object = fromApp) =>
    handlers.get(channel)!(event as IpcMainInvokeEvent, args)

  it('answers a call from the app window through the validated API', async () => {
    const overview = (await call('metrics:overview', {})) as { connections: { connectedDevices: number } }
    expect(overview.connections.connectedDevices).toBe(0)
    await expect(call('clients:page', { limit: 100_000 })).rejects.toThrow(/clients:page: limit/)
  })

  it('refuses calls from another frame or another page', async () => {
    await expect(
      call('status:get', {}, { sender: webContents, senderFrame: { url: 'https://evil.example/' } }),
    ).rejects.toThrow(/refused/)
    await expect(call('status:get', {}, { sender: {}, senderFrame: fromApp.senderFrame })).rejects.toThrow(
      /refused/,
    )
  })

  it('forwards pushes from the service to the window', async () => {
    service.emit('push', { type: 'data:changed' })
    expect(sent).toContainEqual([PUSH_CHANNEL, { type: 'data:changed' }])
  })
})
