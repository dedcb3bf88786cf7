// The Electron shell: one window and the Vigia service (engine worker, ingestion endpoint, demo feed). All that can run without
// Electron lives in modules this file composes (engine host, ingest server).
import { app, BrowserWindow, dialog, ipcMain, session } from 'electron'
import { join } from 'node:path'
import { ingestOptionsFromEnv } from './ingest-options'
import { registerIpc } from './ipc'
import { DB_FILE } from './paths'
import { SECURE_WEB_PREFERENCES, lockDownSession, lockDownWebContents } from './security'
import { VigiaService } from './vigia-service'

const devServerUrl = process.env.ELECTRON_RENDERER_URL

async function createWindow(): Promise<BrowserWindow> {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Vigia',
    show: false,
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: join(__dirname, '../preload/index.cjs') },
  })
  lockDownWebContents(window.webContents, devServerUrl)
  window.once('ready-to-show', () => window.show())
  if (devServerUrl) await window.loadURL(devServerUrl)
  else await window.loadFile(join(__dirname, '../renderer/index.html'))
  return window
}

async function main(): Promise<void> {
  await app.whenReady()
  process.env.VIGIA_SQLITE_BINDING ??= join(
    app.getAppPath(),
    'build',
    'native',
    `electron-${process.versions.electron}`,
    'better_sqlite3.node',
  )
  lockDownSession(session.defaultSession)
  const service = await VigiaService.start({
    dbPath: join(app.getPath('userData'), DB_FILE),
    ingest: ingestOptionsFromEnv(),
    demo: 'auto',
    mode: 'desktop',
  })
  app.on('before-quit', () => void service.stop())
  const open = async () =>
    registerIpc(service, { ipcMain, dialog, window: await createWindow(), devServerUrl })
  await open()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void open()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}

main().catch((error: unknown) => {
  console.error(`Vigia could not start: ${(error as Error).message}`)
  app.exit(1)
})
