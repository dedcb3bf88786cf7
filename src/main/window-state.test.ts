import { writeFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../pipeline/testing/temp-db'
import { loadWindowState, saveWindowState } from './window-state'

describe('remembering the window', () => {
  let dir: ReturnType<typeof tempDir>
  const display = { x: 0, y: 0, width: 1920, height: 1080 }
  beforeEach(() => {
    dir = tempDir()
  })
  afterEach(() => dir.remove())

  it('restores the bounds it saved', () => {
    const file = dir.path('window.json')
    saveWindowState(file, { x: 100, y: 50, width: 1200, height: 800, maximized: true })
    expect(loadWindowState(file, [display])).toEqual({
      x: 100,
      y: 50,
      width: 1200,
      height: 800,
      maximized: true,
    })
  })

  it('forgets bounds that no display shows any more, and ignores a damaged file', () => {
    const file = dir.path('window.json')
    saveWindowState(file, { x: 2500, y: 50, width: 1200, height: 800, maximized: false })
    expect(loadWindowState(file, [display])).toBeUndefined()
    writeFileSync(file, '{"x": "left"')
    expect(loadWindowState(file, [display])).toBeUndefined()
    expect(loadWindowState(dir.path('missing.json'), [display])).toBeUndefined()
  })
})
