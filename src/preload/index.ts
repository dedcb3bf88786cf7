// The bridge between the window and the main process: one narrow function per API method (named by
// src/shared/api.ts), the push listener, a file's path for drag and drop, and export. ipcRenderer itself
// is never exposed.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import {
  API_METHODS,
  EXPORT_CHANNEL,
  PUSH_CHANNEL,
  type ApiMethod,
  type ClientView,
  type PushEvent,
} from '../shared/api'

const api = Object.fromEntries(
  API_METHODS.map((method) => [method, (args: unknown) => ipcRenderer.invoke(method, args)]),
) as Record<ApiMethod, (args: unknown) => Promise<unknown>>

const bridge = {
  api,
  onPush(listener: (event: PushEvent) => void): () => void {
    const handler = (_event: IpcRendererEvent, push: PushEvent) => listener(push)
    ipcRenderer.on(PUSH_CHANNEL, handler)
    return () => ipcRenderer.off(PUSH_CHANNEL, handler)
  },
  pathForFile: (file: File): string => webUtils.getPathForFile(file),
  exportClients: (view: ClientView): Promise<void> => ipcRenderer.invoke(EXPORT_CHANNEL, view),
}

export type Bridge = typeof bridge

contextBridge.exposeInMainWorld('vigia', bridge)
