// The desktop shell's wiring, with electron faked (its binary cannot run here): the window gets the secure
// preferences and the preload, the session is locked down, every API channel is handled, and the service
// (engine worker, ingestion endpoint) starts on the user-data database.
import type { EventEmitter } from 'node:events'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { tempDir } from '../pipeline/testing/temp-db'
import { API_METHODS } from '../shared/api'

const dir = tempDir()
const fake = vi.hoisted(() => ({
  windows: [] as { options: Record<string, unknown>; loaded: string[] }[],
  handled: new Set<string>(),
  permissionHandlerSet: false,
  menu: [] as unknown[],
  app: null as unknown as EventEmitter & Record<string, unknown>,
}))

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events')
  const app = Object.assign(new EventEmitter(), {
    whenReady: () => Promise.resolve(),
    getAppPath: () => '/app',
    getPath: () => dir.dir,
    isPackaged: false,
    quit: () => {},
    exit: (code: number) => {
      throw new Error(`app.exit(${code})`)
    },
  })
  fake.app = app as never
  class BrowserWindow extends EventEmitter {
    static getAllWindows = () => fake.windows
    webContents = Object.assign(new EventEmitter(), { setWindowOpenHandler: () => {}, send: () => {} })
    record: { options: Record<string, unknown>; loaded: string[] }
    constructor(options: Record<string, unknown>) {
      super()
      this.record = { options, loaded: [] }
      fake.windows.push(this.record)
    }
    isDestroyed = () => false
    isMaximized = () => false
    maximize = () => {}
    getNormalBounds = () => ({ x: 0, y: 0, width: 1400, height: 900 })
    show = () => {}
    loadFile = async (file: string) => void this.record.loaded.push(file)
    loadURL = async (url: string) => void this.record.loaded.push(url)
  }
  return {
    app,
    BrowserWindow,
    dialog: { showSaveDialog: async () => ({ canceled: true }), showErrorBox: () => {} },
    Menu: {
      buildFromTemplate: (template: unknown[]) => ((fake.menu = template), template),
      setApplicationMenu: () => {},
    },
    Notification: Object.assign(class {}, { isSupported: () => false }),
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    ipcMain: { handle: (channel: string) => fake.handled.add(channel), removeHandler: () => {} },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => (fake.permissionHandlerSet = true),
        setPermissionCheckHandler: () => {},
      },
    },
  }
})

describe('the Electron shell', () => {
  afterAll(async () => {
    fake.app.emit('before-quit')
    await new Promise((r) => setTimeout(r, 300))
    dir.remove()
  })

  it('opens one secure window on the built UI, with the service running on the user-data database', async () => {
    process.env.VIGIA_INGEST_PORT = '0'
    await import('./index')
    await vi.waitFor(() => expect(fake.windows[0]?.loaded).toHaveLength(1), { timeout: 15_000 })
    const [window] = fake.windows
    expect(window!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      preload: expect.stringMatching(/preload[\\/]index\.cjs$/),
    })
    expect(window!.loaded[0]).toMatch(/renderer[\\/]index\.html$/)
    expect(fake.permissionHandlerSet).toBe(true)
    expect([...fake.handled].sort()).toEqual([...API_METHODS, 'vigia:export-clients'].sort())
    expect(existsSync(join(dir.dir, 'vigia.db'))).toBe(true)
    expect(
      fake.menu.map((m) => (m as { label?: string; role?: string }).label ?? (m as { role?: string }).role),
    ).toEqual(['File', 'editMenu', 'View', 'windowMenu'])
  })
})
