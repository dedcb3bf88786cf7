// Every panel shows one of four states: loading, error, empty, or its content.
import type { ReactNode } from 'react'

interface PanelProps {
  title: string
  /** What the panel is for, for screen readers and tests. */
  id?: string
  loading?: boolean
  error?: Error
  empty?: boolean
  emptyText?: string
  actions?: ReactNode
  children?: ReactNode
  className?: string
  /** The T (ms) the content answers, once it is in: tests and benchmarks wait on it after a change of time. */
  answersAt?: number
}

export function Panel({
  title,
  id,
  loading,
  error,
  empty,
  emptyText,
  actions,
  children,
  className,
  answersAt,
}: PanelProps) {
  let body: ReactNode = children
  if (error)
    body = (
      <p className="state state-error" role="alert">
        Could not load: {error.message}
      </p>
    )
  else if (loading)
    body = (
      <p className="state state-loading" aria-busy="true">
        Loading…
      </p>
    )
  else if (empty) body = <p className="state state-empty">{emptyText ?? 'No data for this time.'}</p>
  return (
    <section
      className={`panel ${className ?? ''}`}
      aria-labelledby={id ? `${id}-title` : undefined}
      data-panel={id}
      data-state={error ? 'error' : loading ? 'loading' : empty ? 'empty' : 'ready'}
      data-at={answersAt}
    >
      <header className="panel-header">
        <h2 id={id ? `${id}-title` : undefined}>{title}</h2>
        {actions}
      </header>
      <div className="panel-body">{body}</div>
    </section>
  )
}

export function Figure({
  label,
  value,
  detail,
  testId,
}: {
  label: string
  value: string
  detail?: string
  testId?: string
}) {
  return (
    <div className="figure" data-testid={testId}>
      <div className="figure-label">{label}</div>
      <div className="figure-value">{value}</div>
      {detail && <div className="figure-detail">{detail}</div>}
    </div>
  )
}
