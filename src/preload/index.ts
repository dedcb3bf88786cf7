// The preload bridge: one narrow function per API method, typed by src/shared. Filled in with issue #4.
import { contextBridge } from 'electron'

contextBridge.exposeInMainWorld('vigia', { version: 1 })
