import { beforeEach, describe, expect, it, vi } from 'vitest'
import { API_METHODS } from '../shared/api'

const exposed: Record<string, unknown> = {}
const invoke = vi.fn(async (..._args: unknown[]) => 'result')

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
  ipcRenderer: { invoke, on: vi.fn(), off: vi.fn() },
  webUtils: { getPathForFile: () => '/home/ana/day.ndjson' },
}))

describe('the preload bridge', () => {
  beforeEach(async () => {
    await import('./index')
  })

  it('exposes only window.vigia, with one function per API method and no ipcRenderer', () => {
    expect(Object.keys(exposed)).toEqual(['vigia'])
    const bridge = exposed.vigia as { api: Record<string, unknown> } & Record<string, unknown>
    expect(Object.keys(bridge).sort()).toEqual(['api', 'exportClients', 'onPush', 'pathForFile'])
    expect(Object.keys(bridge.api).sort()).toEqual([...API_METHODS].sort())
    expect(JSON.stringify(Object.keys(bridge))).not.toContain('ipcRenderer')
  })

  it('invokes exactly the named channel with the arguments', async () => {
    const bridge = exposed.vigia as { api: Record<string, (args: unknown) => Promise<unknown>> }
    await expect(bridge.api['metrics:overview']!({ at: 5 })).resolves.toBe('result')
    expect(invoke).toHaveBeenCalledWith('metrics:overview', { at: 5 })
  })
})
