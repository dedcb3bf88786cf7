// Test helper: each test of the calling file gets an engine on a fresh temporary database file, closed and
// deleted after it.
import { afterEach, beforeEach } from 'vitest'
import { Engine, type EngineOptions } from '../engine'
import { tempDir } from './temp-db'

export interface TempEngine {
  readonly engine: Engine
  path: (name: string) => string
  /** Closes the engine and opens the same file again, with `options`: what a restart sees. */
  reopen: (options?: EngineOptions) => Engine
}

export function useTempEngine(): TempEngine {
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
    reopen(options) {
      engine!.close()
      engine = Engine.open(temp!.path('vigia.db'), options)
      return engine
    },
  }
}
