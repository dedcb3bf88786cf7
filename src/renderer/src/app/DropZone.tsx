// Files dropped anywhere on the window are imported. Only files: dropped links or text are ignored, and a
// file is read as data, never opened or run.
import { useEffect, useState } from 'react'
import { useImports } from './imports-context'

export function DropZone() {
  const { start } = useImports()
  const [over, setOver] = useState(false)
  useEffect(() => {
    let depth = 0
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return
      depth++
      setOver(true)
    }
    const leave = () => {
      depth = Math.max(0, depth - 1)
      if (depth === 0) setOver(false)
    }
    const dragOver = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault()
    }
    const drop = (e: DragEvent) => {
      e.preventDefault()
      depth = 0
      setOver(false)
      const files = [...(e.dataTransfer?.files ?? [])]
      if (files.length > 0) {
        void start(files)
        if (!location.hash.startsWith('#/import')) location.hash = '#/import'
      }
    }
    window.addEventListener('dragenter', enter)
    window.addEventListener('dragleave', leave)
    window.addEventListener('dragover', dragOver)
    window.addEventListener('drop', drop)
    return () => {
      window.removeEventListener('dragenter', enter)
      window.removeEventListener('dragleave', leave)
      window.removeEventListener('dragover', dragOver)
      window.removeEventListener('drop', drop)
    }
  }, [start])
  return over ? (
    <div className="drop-overlay" aria-live="polite">
      Drop log files to import them (NDJSON, CSV, JSON, Parquet, gzip)
    </div>
  ) : null
}
