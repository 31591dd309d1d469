import type { UseQueryResult } from '@tanstack/react-query'
import type { ReactNode } from 'react'

import { ErrorNotice } from './ErrorNotice'

export function Loading({ label }: { label: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  )
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  )
}

/** Loading, failure and content of one query, the same on every screen. */
export function QueryView<T>({
  query,
  loading,
  children,
}: {
  query: UseQueryResult<T>
  loading: string
  children: (data: T) => ReactNode
}) {
  if (query.isPending) return <Loading label={loading} />
  if (query.isError) return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
  return <>{children(query.data)}</>
}
