// Test helper: each test of the calling file gets an engine on a fresh temporary database file, closed and
// deleted after it.
import { afterEach, beforeEach } from 'vitest'
import { Engine } from '../engine'
import { tempDir } from './temp-db'

export function useTempEngine(): { readonly engine: Engine; path: (name: string) => string } {
  let temp: ReturnType<typeof tempDir> | undefined
  let engine: Engine | undefined
  beforeEach(() => {
    temp = tempDir()
    engine = Engine.open(temp.path('vigia.db'))
  })
  afterEach(() => {
    engine?.close()
    temp?.remove()
  })
  return {
    get engine() {
      if (!engine) throw new Error('useTempEngine: the engine exists only inside a test')
      return engine
    },
    path: (name) => temp!.path(name),
  }
}
