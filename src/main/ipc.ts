// The Electron side of the API map: every channel checks that the call comes from our own window, then
// goes through the same validated dispatch as the headless server.
import type { BrowserWindow, Dialog, IpcMain, IpcMainInvokeEvent } from 'electron'
import { createWriteStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { API_METHODS, EXPORT_CHANNEL, PUSH_CHANNEL, clientView, type PushEvent } from '../shared/api'
import { createApiHandlers, dispatch } from './api-handlers'
import { isAppUrl } from './security'
import { clientsCsv } from './ui-server'
import type { VigiaService } from './vigia-service'

export interface IpcDeps {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>
  dialog: Pick<Dialog, 'showSaveDialog'>
  window: BrowserWindow
  devServerUrl: string | undefined
}

export function registerIpc(service: VigiaService, deps: IpcDeps): void {
  const handlers = createApiHandlers(service)
  const trusted = (event: IpcMainInvokeEvent) => {
    const url = event.senderFrame?.url ?? ''
    if (event.sender !== deps.window.webContents || !isAppUrl(url, deps.devServerUrl)) {
      throw new Error(`refused: call from ${url || 'an unknown frame'}`)
    }
  }
  // A new window (macOS re-activation) takes over the channels.
  for (const channel of [...API_METHODS, EXPORT_CHANNEL]) deps.ipcMain.removeHandler(channel)
  for (const method of API_METHODS) {
    deps.ipcMain.handle(method, (event, args: unknown) => {
      trusted(event)
      return dispatch(handlers, method, args)
    })
  }
  deps.ipcMain.handle(EXPORT_CHANNEL, async (event, rawView: unknown) => {
    trusted(event)
    const view = clientView.parse(rawView)
    const { canceled, filePath } = await deps.dialog.showSaveDialog(deps.window, {
      title: 'Export heavy users',
      defaultPath: 'vigia-clients.csv',
      filters: [{ name: 'CSV', extensions: ['csv'] }],
    })
    if (canceled || !filePath) return
    await pipeline(clientsCsv(await service.clientRowsFor(view)), createWriteStream(filePath))
  })
  const push = (event: PushEvent) => {
    if (!deps.window.isDestroyed()) deps.window.webContents.send(PUSH_CHANNEL, event)
  }
  service.on('push', push)
  deps.window.on('closed', () => service.off('push', push))
}
