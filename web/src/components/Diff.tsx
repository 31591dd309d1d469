import { diffWords } from 'diff'
import { useMemo } from 'react'

/**
 * What changed from `before` to `after`, word by word. `<ins>` and `<del>`
 * are not announced by most screen readers, so each change also says
 * "added" or "removed" in visually hidden text.
 */
export function Diff({ before, after, label }: { before: string; after: string; label: string }) {
  const changes = useMemo(() => diffWords(before, after), [before, after])
  const changed = changes.some((change) => change.added || change.removed)
  return (
    <div className="diff" role="group" aria-label={label}>
      {!changed && <span className="visually-hidden">No changes. </span>}
      {changes.map((change, index) => {
        if (change.added) {
          return (
            <ins key={index}>
              <span className="visually-hidden">added: </span>
              {change.value}
              <span className="visually-hidden"> (end added)</span>
            </ins>
          )
        }
        if (change.removed) {
          return (
            <del key={index}>
              <span className="visually-hidden">removed: </span>
              {change.value}
              <span className="visually-hidden"> (end removed)</span>
            </del>
          )
        }
        return <span key={index}>{change.value}</span>
      })}
    </div>
  )
}
