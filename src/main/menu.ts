// The application menu, as a template built from callbacks so it can be checked without Electron.
import type { MenuItemConstructorOptions } from 'electron'

export interface MenuActions {
  importFiles: () => void
  navigate: (hash: string) => void
  isDev: boolean
  platform: NodeJS.Platform
}

const PAGES: [string, string, string][] = [
  ['Overview', '#/overview', 'CmdOrCtrl+1'],
  ['Servers', '#/servers', 'CmdOrCtrl+2'],
  ['Heavy users', '#/clients', 'CmdOrCtrl+3'],
  ['Import', '#/import', 'CmdOrCtrl+4'],
  ['Ingestion', '#/ingestion', 'CmdOrCtrl+5'],
]

export function menuTemplate(actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = actions.platform === 'darwin'
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Import log files…', accelerator: 'CmdOrCtrl+O', click: () => actions.importFiles() },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...PAGES.map(([label, hash, accelerator]) => ({
          label,
          accelerator,
          click: () => actions.navigate(hash),
        })),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
        ...(actions.isDev ? [{ role: 'reload' as const }, { role: 'toggleDevTools' as const }] : []),
      ],
    },
    { role: 'windowMenu' },
  ]
}
