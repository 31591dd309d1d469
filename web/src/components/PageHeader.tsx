import { useEffect, type ReactNode } from 'react'

/** The page's one h1, mirrored in the tab title for screen-reader users switching tabs. */
export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · FlowCoach`
  }, [title])
  return (
    <header className="page-header">
      <h1>{title}</h1>
      {children && <div className="page-actions">{children}</div>}
    </header>
  )
}
