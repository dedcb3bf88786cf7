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

  it('refuses an instant that is not a whole second, naming the two whole seconds around it', async () => {
    const asked = Date.UTC(2026, 11, 4, 12, 39, 59, 999)
    const refusal =
      'at 1796387999999 (2026-12-04T12:39:59.999Z): Vigia answers at whole seconds; ' +
      'ask 1796387999000 (2026-12-04T12:39:59Z) or 1796388000000 (2026-12-04T12:40:00Z)'
    await expect(call('metrics:overview', { at: asked })).rejects.toThrow(`metrics:overview: ${refusal}`)
    await expect(call('clients:page', { at: asked })).rejects.toThrow(`clients:page: ${refusal}`)
    await expect(call('metrics:series', { from: asked - 60_000, to: asked + 1 })).rejects.toThrow(
      /metrics:series: from .*Vigia answers at whole seconds/,
    )
    const whole = (await call('metrics:overview', { at: asked - 999 })) as { at: number }
    expect(whole.at).toBe(asked - 999)
    const page = (await call('clients:page', { at: asked + 1 })) as { at: number }
    expect(page.at).toBe(asked + 1)
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
