import type { MenuItemConstructorOptions } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { menuTemplate } from './menu'

const items = (template: MenuItemConstructorOptions[], label: string) =>
  template.find((m) => m.label === label)?.submenu as MenuItemConstructorOptions[]

describe('the application menu', () => {
  it('imports files and moves between pages from the keyboard', () => {
    const importFiles = vi.fn()
    const navigate = vi.fn()
    const template = menuTemplate({ importFiles, navigate, isDev: false, platform: 'linux' })
    const file = items(template, 'File')
    expect(file[0]).toMatchObject({ label: 'Import log files…', accelerator: 'CmdOrCtrl+O' })
    ;(file[0]!.click as () => void)()
    expect(importFiles).toHaveBeenCalled()
    const servers = items(template, 'View').find((i) => i.label === 'Servers')!
    ;(servers.click as () => void)()
    expect(navigate).toHaveBeenCalledWith('#/servers')
  })

  it('offers reload and developer tools only while developing', () => {
    const roles = (isDev: boolean) =>
      items(
        menuTemplate({ importFiles: () => {}, navigate: () => {}, isDev, platform: 'linux' }),
        'View',
      ).map((i) => i.role)
    expect(roles(false)).not.toContain('toggleDevTools')
    expect(roles(true)).toContain('toggleDevTools')
  })
})
