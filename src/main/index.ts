// The Electron shell: one window, its menu and the Vigia service (engine and reader workers, ingestion
// endpoint, demo feed). Everything that can run without Electron lives in the modules this file composes.
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, screen, session } from 'electron'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { PUSH_CHANNEL, type PushEvent } from '../shared/api'
import { ingestOptionsFromEnv } from './ingest-options'
import { registerIpc } from './ipc'
import { menuTemplate } from './menu'
import { DB_FILE } from './paths'
import { SECURE_WEB_PREFERENCES, lockDownSession, lockDownWebContents } from './security'
import { setWorkerV8Flags } from './v8-flags'
import { VigiaService } from './vigia-service'
import { DEFAULT_SIZE, loadWindowState, saveWindowState } from './window-state'

const devServerUrl = process.env.ELECTRON_RENDERER_URL

async function createWindow(stateFile: string): Promise<BrowserWindow> {
  const saved = loadWindowState(
    stateFile,
    screen.getAllDisplays().map((d) => d.workArea),
  )
  const window = new BrowserWindow({
    ...(saved ?? DEFAULT_SIZE),
    title: 'Vigia',
    show: false,
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: join(__dirname, '../preload/index.cjs') },
  })
  if (saved?.maximized) window.maximize()
  window.on('close', () =>
    saveWindowState(stateFile, { ...window.getNormalBounds(), maximized: window.isMaximized() }),
  )
  lockDownWebContents(window.webContents, devServerUrl)
  window.once('ready-to-show', () => window.show())
  if (devServerUrl) await window.loadURL(devServerUrl)
  else await window.loadFile(join(__dirname, '../renderer/index.html'))
  return window
}

async function main(): Promise<void> {
  setWorkerV8Flags()
  await app.whenReady()
  const binding = join(
    app.getAppPath(),
    'build',
    'native',
    `electron-${process.versions.electron}`,
    'better_sqlite3.node',
  )
  if (existsSync(binding)) process.env.VIGIA_SQLITE_BINDING ??= binding
  lockDownSession(session.defaultSession)
  const userData = app.getPath('userData')
  const service = await VigiaService.start({
    dbPath: join(userData, DB_FILE),
    ingest: ingestOptionsFromEnv(),
    demo: 'auto',
    mode: 'desktop',
  })
  app.on('before-quit', () => void service.stop())

  let current: BrowserWindow | undefined
  const send = (event: PushEvent) => current?.webContents.send(PUSH_CHANNEL, event)
  // Alerts become OS notifications; a click brings Vigia forward on the server concerned.
  service.on('push', (event) => {
    if (event.type !== 'notify' || !Notification.isSupported()) return
    const notification = new Notification({ title: event.title, body: event.body })
    notification.on('click', () => {
      current?.show()
      current?.focus()
      send({ type: 'navigate', hash: event.target })
    })
    notification.show()
  })
  const open = async () => {
    current = await createWindow(join(userData, 'window-state.json'))
    registerIpc(service, { ipcMain, dialog, window: current, devServerUrl })
  }
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        platform: process.platform,
        isDev: !app.isPackaged,
        navigate: (hash) => send({ type: 'navigate', hash }),
        importFiles: async () => {
          if (!current) return
          const { filePaths } = await dialog.showOpenDialog(current, {
            title: 'Import log files',
            properties: ['openFile', 'multiSelections'],
          })
          for (const path of filePaths) service.startImport(path)
          if (filePaths.length > 0) send({ type: 'navigate', hash: '#/import' })
        },
      }),
    ),
  )
  await open()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void open()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}

main().catch((error: unknown) => {
  dialog.showErrorBox('Vigia could not start', (error as Error).message)
  app.exit(1)
})
