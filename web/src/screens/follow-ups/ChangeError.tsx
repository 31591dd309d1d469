import { Button } from 'react-aria-components'

import { ApiProblem, requestIdOf } from '../../api/problem'
import { ErrorNotice } from '../../components/ErrorNotice'

/**
 * A failed change. A 412 is no failure of the coach's: the follow-up moved
 * on since they read it, so it is said as such, with the way to catch up.
 */
export function ChangeError({ error, onReload }: { error: unknown; onReload: () => void }) {
  if (!(error instanceof ApiProblem && error.status === 412)) return <ErrorNotice error={error} />
  const requestId = requestIdOf(error)
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">This follow-up changed since you opened it.</p>
      <p>
        A newer version was saved, so your change was not applied. Reload to see the latest version, then make your
        change again. Reloading replaces any text you have not saved.
      </p>
      {requestId && (
        <p className="request-id">
          Request id: <code>{requestId}</code>
        </p>
      )}
      <Button className="button" onPress={onReload}>
        Reload the latest version
      </Button>
    </div>
  )
}
