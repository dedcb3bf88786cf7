import { describe, expect, it } from 'vitest'
import { userDataDir } from './paths'

describe('the default data folder', () => {
  it("is Electron's userData folder for Vigia on each platform", () => {
    expect(userDataDir('linux', {}, '/home/ana')).toBe('/home/ana/.config/Vigia')
    expect(userDataDir('linux', { XDG_CONFIG_HOME: '/cfg' }, '/home/ana')).toBe('/cfg/Vigia')
    expect(userDataDir('darwin', {}, '/Users/ana')).toBe('/Users/ana/Library/Application Support/Vigia')
    expect(userDataDir('win32', { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'C:\\Users\\ana')).toMatch(
      /Roaming[\\/]Vigia$/,
    )
  })
})
