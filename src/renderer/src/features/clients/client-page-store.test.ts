import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ClientPage, ClientRow } from '../../../../shared/api'
import { ClientPageStore, PAGE_SIZE, rowAt, type ClientQuery } from './client-page-store'

const T = Date.UTC(2024, 5, 1, 12, 0, 0)
const QUERY: ClientQuery = { sort: { column: 'bps', desc: true }, search: '', heavyOnly: false }
const HEAVY: ClientQuery = { ...QUERY, heavyOnly: true }

interface Call {
  query: ClientQuery
  at: number
  offset: number
  resolve: (total: number, name?: string) => void
  reject: (error: Error) => void
}

/** A fake engine whose answers the test hands out one by one. */
function setup() {
  const calls: Call[] = []
  const store = new ClientPageStore(
    (query, at, offset, limit) =>
      new Promise<ClientPage>((resolve, reject) =>
        calls.push({
          query,
          at,
          offset,
          reject,
          resolve: (total, name = `at${at}`) =>
            resolve({
              at: Math.floor(at / 1000) * 1000,
              total,
              thresholdMbps: 50,
              rows: Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) =>
                row(`${name}-${offset + i}`),
              ),
            }),
        }),
      ),
  )
  const answer = async (call: Call | undefined, total: number, name?: string) => {
    call!.resolve(total, name)
    await flush()
  }
  return { store, calls, answer }
}

const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0))
const row = (client: string): ClientRow => ({
  client,
  server: 's1',
  bps: 0,
  shareOfServer: null,
  devices: 1,
  planMbps: null,
  planClass: 'unknown',
  lastSeen: T,
  heavy: false,
})
const pending = (calls: Call[], from = 0) => calls.slice(from).map((c) => c.offset / PAGE_SIZE)

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(T)
})

afterEach(() => {
  vi.useRealTimers()
})

describe('ClientPageStore', () => {
  it('asks only for the pages in view, three at a time, and keeps the loaded ones', async () => {
    const { store, calls, answer } = setup()
    store.setQuery(QUERY, 'a', T, true)
    expect(pending(calls)).toEqual([0])
    await answer(calls[0], 100_000)
    expect(store.getSnapshot()).toMatchObject({ key: 'a', total: 100_000, updating: false, at: T })
    expect(rowAt(store.getSnapshot(), 42)?.client).toBe(`at${T}-42`)

    store.setWanted(49_950, 50_250)
    expect(pending(calls, 1)).toEqual([499, 500, 501])
    await answer(calls[1], 100_000)
    expect(pending(calls, 4)).toEqual([502])
    await Promise.all(calls.slice(2).map((c) => c.resolve(100_000)))
    await flush()
    expect([...store.getSnapshot().pages.keys()].sort((a, b) => a - b)).toEqual([0, 499, 500, 501, 502])
    expect(rowAt(store.getSnapshot(), 50_001)?.client).toBe(`at${T}-50001`)
    expect(rowAt(store.getSnapshot(), 60_000)).toBeUndefined()
  })

  it('never asks past the last page', async () => {
    const { store, calls, answer } = setup()
    store.setQuery(QUERY, 'a', T, true)
    await answer(calls[0], 150)
    store.setWanted(0, 900)
    expect(pending(calls, 1)).toEqual([1])
  })

  it('refreshes the pages in view on a live tick, keeping the old rows until the new ones arrive', async () => {
    const { store, calls, answer } = setup()
    store.setQuery(QUERY, 'a', T, true)
    await answer(calls[0], 500)
    store.setWanted(150, 250)
    await answer(calls[1], 500)
    await answer(calls[2], 500)

    store.setQuery(QUERY, 'a', T + 1000, true)
    expect(pending(calls, 3)).toEqual([1, 2])
    expect(calls[3]!.at).toBe(T + 1000)
    expect(rowAt(store.getSnapshot(), 150)?.client).toBe(`at${T}-150`)
    await answer(calls[3], 501)
    expect(rowAt(store.getSnapshot(), 150)?.client).toBe(`at${T + 1000}-150`)
    expect(store.getSnapshot()).toMatchObject({ key: 'a', total: 501, at: T + 1000 })
    // Page 0, out of view, keeps its rows of the earlier second.
    expect(rowAt(store.getSnapshot(), 0)?.client).toBe(`at${T}-0`)
  })

  it('asks new pages at the T on screen, and waits for a refresh under way', async () => {
    const { store, calls, answer } = setup()
    store.setQuery(QUERY, 'a', T + 400, true)
    await answer(calls[0], 1000)
    store.setQuery(QUERY, 'a', T + 1400, true)
    expect(pending(calls, 1)).toEqual([0])
    store.setWanted(300, 350)
    expect(pending(calls, 2)).toEqual([])
    await answer(calls[1], 1000)
    expect(pending(calls, 2)).toEqual([3])
    expect(calls[2]!.at).toBe(T + 1000)
  })

  it('rests after a refresh as long as the refresh took', async () => {
    const { store, calls, answer } = setup()
    store.setQuery(QUERY, 'a', T, true)
    await answer(calls[0], 50)
    store.setQuery(QUERY, 'a', T + 1000, true)
    vi.setSystemTime(T + 3000)
    await answer(calls[1], 50) // took 3 s
    store.setQuery(QUERY, 'a', T + 4000, true)
    vi.setSystemTime(T + 5999)
    store.setQuery(QUERY, 'a', T + 5999, true)
    expect(calls).toHaveLength(2)
    vi.setSystemTime(T + 6000)
    store.setQuery(QUERY, 'a', T + 6000, true)
    expect(pending(calls, 2)).toEqual([0])
  })

  it('drops answers to an older view and shows the previous rows, marked updating, until the new ones', async () => {
    const { store, calls, answer } = setup()
    store.setQuery(QUERY, 'a', T, true)
    await answer(calls[0], 500, 'all')
    store.setWanted(100, 250)
    expect(pending(calls, 1)).toEqual([1, 2])

    store.setQuery(HEAVY, 'heavy', T, true)
    expect(store.getSnapshot()).toMatchObject({ key: 'a', updating: true, total: 500 })
    // The new view starts at its top.
    expect(pending(calls, 3)).toEqual([0, 1])
    expect(calls[3]!.query).toEqual(HEAVY)
    await answer(calls[1], 500, 'all')
    expect(store.getSnapshot().pages.has(1)).toBe(false)
    // Scrolling reported under the old view does not count for the new one.
    store.setWanted(400, 450)
    expect(pending(calls, 5)).toEqual([])

    await answer(calls[3], 120, 'heavy')
    const snapshot = store.getSnapshot()
    expect(snapshot).toMatchObject({ key: 'heavy', updating: false, total: 120 })
    expect([...snapshot.pages.keys()]).toEqual([0])
    expect(rowAt(snapshot, 0)?.client).toBe('heavy-0')
  })

  it('starts over when a fixed time changes, asking at that time', async () => {
    const { store, calls, answer } = setup()
    store.setQuery(QUERY, 'a@1', T, false)
    await answer(calls[0], 10)
    store.setQuery(QUERY, 'a@2', T - 3_600_000, false)
    expect(calls[1]!.at).toBe(T - 3_600_000)
  })

  it('reports a failed page and asks again only after a retry, or a tick of the live clock', async () => {
    const { store, calls, answer } = setup()
    store.setQuery(QUERY, 'a', T, false)
    await answer(calls[0], 300)
    store.setWanted(100, 150)
    calls[1]!.reject(new Error('engine busy'))
    await flush()
    expect(store.getSnapshot().error?.message).toBe('engine busy')
    store.setWanted(0, 150)
    expect(calls).toHaveLength(2)
    store.retry()
    expect(pending(calls, 2)).toEqual([1])
    await answer(calls[2], 300)
    expect(store.getSnapshot().error).toBeUndefined()
    expect(rowAt(store.getSnapshot(), 150)).toBeDefined()

    const live = setup()
    live.store.setQuery(QUERY, 'b', T, true)
    live.calls[0]!.reject(new Error('engine busy'))
    await flush()
    live.store.setQuery(QUERY, 'b', T, true)
    expect(live.calls).toHaveLength(1)
    live.store.setQuery(QUERY, 'b', T + 1000, true)
    expect(pending(live.calls, 1)).toEqual([0])
  })
})
