// The heavy-user table's rows, fetched from the engine page by page as the table scrolls. Only pages near
// the viewport are asked for, a few at a time; pages already loaded stay until the view changes. A new T
// of the live clock only makes them stale: the visible ones are fetched again, the others when they scroll
// back into view, so the table never empties under the reader.
//
// The engine computes every client's row once per T (a whole second): with 100,000 clients that is the
// costly part, so refreshes rest at least as long as the last one took, whatever the clock does.
import type { ClientPage, ClientRow, ClientView } from '../../../../shared/api'

export const PAGE_SIZE = 100
// Enough to fill a tall window at once without queueing pages the reader has already scrolled past.
const MAX_IN_FLIGHT = 3

export type ClientQuery = Required<Pick<ClientView, 'sort' | 'search' | 'heavyOnly'>> &
  Pick<ClientView, 'server' | 'planClass'>

export type FetchPage = (query: ClientQuery, at: number, offset: number, limit: number) => Promise<ClientPage>

export interface LoadedPage {
  rows: readonly ClientRow[]
  /** The T it was asked for: older than the current T means stale. */
  requestedAt: number
}

export interface ClientPagesSnapshot {
  /** The view these pages answer; it changes when the first page of a new view arrives. */
  key: string
  pages: ReadonlyMap<number, LoadedPage>
  /** Matching clients, from the newest page. Undefined until a page has arrived. */
  total: number | undefined
  thresholdMbps: number | undefined
  /** T of the newest page, a whole second. */
  at: number | undefined
  /** A new view has been asked for and these pages still answer the previous one. */
  updating: boolean
  error: Error | undefined
}

export function rowAt(snapshot: ClientPagesSnapshot, index: number): ClientRow | undefined {
  return snapshot.pages.get(Math.floor(index / PAGE_SIZE))?.rows[index % PAGE_SIZE]
}

export class ClientPageStore {
  private snapshot: ClientPagesSnapshot = {
    key: '',
    pages: new Map(),
    total: undefined,
    thresholdMbps: undefined,
    at: undefined,
    updating: true,
    error: undefined,
  }
  private readonly listeners = new Set<() => void>()
  private query: ClientQuery | null = null
  private key = ''
  /** The clock's T: now in live mode, the end of the range otherwise. */
  private at = 0
  private live = true
  // Answers to an older view are dropped by comparing generations.
  private generation = 0
  private readonly inFlight = new Set<number>()
  /** Stale pages being fetched again at a new T. */
  private refreshing = 0
  /** No refresh of stale pages before this (Date.now()): an engine that took 2 s rests 2 s. */
  private refreshAfter = 0
  /** Pages whose fetch failed, with the clock's T then: not asked again before it ticks, or a retry. */
  private readonly failed = new Map<number, number>()
  private wanted = { first: 0, last: 0 }

  constructor(private readonly fetchPage: FetchPage) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  readonly getSnapshot = (): ClientPagesSnapshot => this.snapshot

  /** A new view (key) starts over from the first page; a new T alone makes the loaded pages stale. */
  readonly setQuery = (query: ClientQuery, key: string, at: number, live: boolean): void => {
    if (key !== this.key) {
      this.generation++
      this.inFlight.clear()
      this.refreshing = 0
      this.failed.clear()
      this.query = query
      this.key = key
      // The new view opens at its top: as many pages as the reader was looking at, from the first.
      this.wanted = { first: 0, last: this.wanted.last - this.wanted.first }
      this.publish({ ...this.snapshot, updating: true })
    }
    this.at = at
    this.live = live
    this.pump()
  }

  /** The rows the table shows or is about to show, overscan included. */
  readonly setWanted = (firstRow: number, lastRow: number): void => {
    if (this.pending()) return
    const first = Math.floor(Math.max(0, firstRow) / PAGE_SIZE)
    const last = Math.floor(Math.max(0, lastRow) / PAGE_SIZE)
    if (first === this.wanted.first && last === this.wanted.last) return
    this.wanted = { first, last }
    this.pump()
  }

  readonly retry = (): void => {
    this.failed.clear()
    this.publish({ ...this.snapshot, error: undefined })
    this.pump()
  }

  private pending(): boolean {
    return this.snapshot.key !== this.key
  }

  private pump(): void {
    const query = this.query
    if (!query) return
    const pending = this.pending()
    const { missing, stale } = this.toFetch(pending)
    // New pages are asked at the T on screen: they match their neighbours and the engine has that T's rows
    // at hand. While a refresh computes a newer T they wait for it rather than make it compute the old one
    // again. Only a new fixed time asks for a T not on screen.
    if (this.refreshing === 0) {
      const at = pending && !this.live ? this.at : (this.snapshot.at ?? this.at)
      for (const page of missing) {
        if (this.inFlight.size >= MAX_IN_FLIGHT) return
        this.fetch(query, page, at, false)
      }
    }
    if (Date.now() < this.refreshAfter) return
    for (const page of stale) {
      if (this.inFlight.size >= MAX_IN_FLIGHT) return
      this.fetch(query, page, this.at, true)
    }
  }

  /** The wanted pages not loaded, and those loaded for an older second than the clock's, in reading order. */
  private toFetch(pending: boolean): { missing: number[]; stale: number[] } {
    const total = pending ? undefined : this.snapshot.total
    const lastPage = total === undefined ? this.wanted.last : Math.max(0, Math.ceil(total / PAGE_SIZE) - 1)
    const missing: number[] = []
    const stale: number[] = []
    for (let page = this.wanted.first; page <= Math.min(this.wanted.last, lastPage); page++) {
      if (this.inFlight.has(page) || this.failed.get(page) === this.at) continue
      const loaded = pending ? undefined : this.snapshot.pages.get(page)
      if (!loaded) missing.push(page)
      else if (second(loaded.requestedAt) !== second(this.at)) stale.push(page)
    }
    return { missing, stale }
  }

  private fetch(query: ClientQuery, page: number, at: number, refresh: boolean): void {
    const { generation } = this
    const clock = this.at
    const started = Date.now()
    this.inFlight.add(page)
    if (refresh) this.refreshing++
    const settle = () => {
      this.inFlight.delete(page)
      if (!refresh) return
      this.refreshing--
      const now = Date.now()
      this.refreshAfter = Math.max(this.refreshAfter, now + (now - started))
    }
    this.fetchPage(query, at, page * PAGE_SIZE, PAGE_SIZE).then(
      (result) => {
        if (generation !== this.generation) return
        settle()
        this.failed.delete(page)
        this.receive(page, at, result)
        this.pump()
      },
      (error: unknown) => {
        if (generation !== this.generation) return
        settle()
        this.failed.set(page, clock)
        this.publish({ ...this.snapshot, error: error instanceof Error ? error : new Error(String(error)) })
      },
    )
  }

  private receive(page: number, requestedAt: number, result: ClientPage): void {
    const first = this.pending()
    const pages = new Map(first ? [] : this.snapshot.pages)
    pages.set(page, { rows: result.rows, requestedAt })
    // The figures follow the newest answer: a slow page asked a second earlier must not move them back.
    const newest = first || this.snapshot.at === undefined || result.at >= this.snapshot.at
    this.publish({
      key: this.key,
      pages,
      total: newest ? result.total : this.snapshot.total,
      thresholdMbps: newest ? result.thresholdMbps : this.snapshot.thresholdMbps,
      at: newest ? result.at : this.snapshot.at,
      updating: false,
      error: undefined,
    })
  }

  private publish(snapshot: ClientPagesSnapshot): void {
    this.snapshot = snapshot
    for (const listener of this.listeners) listener()
  }
}

/** The engine answers per whole second: two T in the same second give the same rows. */
const second = (ms: number) => Math.floor(ms / 1000)
