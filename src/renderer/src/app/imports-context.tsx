// Imports started anywhere (a drop on any page, the file picker) and their progress, from the host's pushes.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react'
import type { ImportProgressDto, ImportSummaryDto } from '../../../shared/api'
import { useApi } from './api-context'

export interface ImportsState {
  active: Map<string, ImportProgressDto>
  finished: ImportSummaryDto[]
  start: (files: readonly File[], force?: boolean) => Promise<void>
  /** "Import again even if already imported": applies to drops anywhere and to the file picker. */
  force: boolean
  setForce: (force: boolean) => void
  cancel: (importId: string) => Promise<void>
  error: string | null
}

const ImportsContext = createContext<ImportsState | null>(null)

export function ImportsProvider({ children }: { children: ReactNode }) {
  const api = useApi()
  const [active, setActive] = useState(new Map<string, ImportProgressDto>())
  const [finished, setFinished] = useState<ImportSummaryDto[]>([])
  const [error, setError] = useState<string | null>(null)
  const [force, setForce] = useState(false)
  // A small file can finish before its upload returns: never show a finished import as running.
  const done = useRef(new Set<string>())

  useEffect(
    () =>
      api.onPush((event) => {
        if (event.type === 'import:progress') {
          setActive((m) => new Map(m).set(event.progress.importId, event.progress))
        } else if (event.type === 'import:done') {
          done.current.add(event.summary.importId)
          setActive((m) => {
            const next = new Map(m)
            next.delete(event.summary.importId)
            return next
          })
          setFinished((f) => [event.summary, ...f].slice(0, 20))
        }
      }),
    [api],
  )

  const start = useCallback(
    async (files: readonly File[], forced = force) => {
      setError(null)
      try {
        const started = await api.importFiles(files, forced)
        setActive((m) => {
          const next = new Map(m)
          started.forEach(({ importId }, i) => {
            const file = files[i]!
            if (!next.has(importId) && !done.current.has(importId)) {
              next.set(importId, {
                importId,
                name: file.name,
                bytesRead: 0,
                totalBytes: file.size,
                records: 0,
                rate: 0,
                etaSeconds: null,
                warning: null,
              })
            }
          })
          return next
        })
      } catch (e) {
        setError((e as Error).message)
      }
    },
    [api, force],
  )

  const cancel = useCallback(
    async (importId: string) => void (await api.call('import:cancel', { importId })),
    [api],
  )

  return (
    <ImportsContext.Provider value={{ active, finished, start, cancel, error, force, setForce }}>
      {children}
    </ImportsContext.Provider>
  )
}

export function useImports(): ImportsState {
  const state = useContext(ImportsContext)
  if (!state) throw new Error('useImports outside ImportsProvider')
  return state
}
